using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Images.Import;

/// <summary>
/// Appends fixed-size images to pixel shard files (<see cref="ImageShardFormat"/>) in a temporary folder, starting a new
/// shard every <see cref="ImagesPerShard"/> images. A finished shard is handed to the caller as a file path (to store as an
/// artifact); <see cref="Dispose"/> deletes whatever the caller did not take.
/// </summary>
public sealed class ImageShardWriter : IDisposable
{
    private readonly string _folder;
    private readonly ImageShardFormat.Header _layout;
    private FileStream? _current;
    private string? _currentPath;
    private int _count;
    private int _shard = -1;

    public ImageShardWriter(string folder, int width, int height, int channels, int targetBytes = ImageShardFormat.TargetBytes)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        _layout = new ImageShardFormat.Header(0, width, height, channels);
        ImagesPerShard = Math.Max(1, targetBytes / _layout.ImageBytes);
    }

    public int ImagesPerShard { get; }

    /// <summary>Where the next image goes.</summary>
    public (int Shard, int Slot) Next => _current is null ? (_shard + 1, 0) : (_shard, _count);

    /// <summary>Appends one image; returns the path of a shard this image completed, else null.</summary>
    public string? Append(ReadOnlySpan<byte> hwc)
    {
        if (hwc.Length != _layout.ImageBytes)
            throw new ArgumentException($"A shard of {_layout.Width}x{_layout.Height}x{_layout.Channels} images takes {_layout.ImageBytes} bytes per image, got {hwc.Length}.");
        if (_current is null)
        {
            _shard++;
            _count = 0;
            _currentPath = Path.Combine(_folder, $"shard-{_shard:D5}.tmp");
            _current = new FileStream(_currentPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
            Span<byte> header = stackalloc byte[ImageShardFormat.HeaderBytes];
            ImageShardFormat.Write(header, _layout);
            _current.Write(header);
        }
        _current.Write(hwc);
        _count++;
        return _count == ImagesPerShard ? Finish() : null;
    }

    /// <summary>Completes the shard being written (if any) and returns its path.</summary>
    public string? Finish()
    {
        if (_current is null) return null;
        Span<byte> header = stackalloc byte[ImageShardFormat.HeaderBytes];
        ImageShardFormat.Write(header, _layout with { Count = _count });
        _current.Position = 0;
        _current.Write(header);
        _current.Flush();
        _current.Dispose();
        _current = null;
        return _currentPath;
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
