using Lepton.Data.Images.Datasets;
using Microsoft.Win32.SafeHandles;

namespace Lepton.Data.Images.Import;

/// <summary>
/// Reads a version's pixels from shard files on local disk with one positioned read per image
/// (<see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/>): no shard is held in memory, so a data set larger
/// than memory streams through the page cache. Thread-safe; dispose to close the files.
/// </summary>
public sealed class ShardedImagePixelSource : IImagePixelSource, IDisposable
{
    private readonly SafeFileHandle[] _handles;
    private readonly int[] _counts;

    /// <param name="layout">The version's pixel layout.</param>
    /// <param name="shardFiles">The local file of each of <paramref name="layout"/>'s shards, in order.</param>
    public ShardedImagePixelSource(ImagePixels layout, IReadOnlyList<string> shardFiles)
    {
        if (shardFiles.Count != layout.Shards.Count)
            throw new ArgumentException($"The layout names {layout.Shards.Count} shards but {shardFiles.Count} files were given.");
        Layout = layout;
        _handles = new SafeFileHandle[shardFiles.Count];
        _counts = new int[shardFiles.Count];
        try
        {
            Span<byte> header = stackalloc byte[ImageShardFormat.HeaderBytes];
            for (int i = 0; i < shardFiles.Count; i++)
            {
                _handles[i] = File.OpenHandle(shardFiles[i], FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
                if (RandomAccess.Read(_handles[i], header, 0) != header.Length)
                    throw new InvalidDataException($"Pixel shard {shardFiles[i]} is shorter than its header.");
                var h = ImageShardFormat.Read(header, RandomAccess.GetLength(_handles[i]), shardFiles[i]);
                if (h.Width != layout.Width || h.Height != layout.Height || h.Channels != layout.Channels)
                    throw new InvalidDataException(
                        $"Pixel shard {shardFiles[i]} holds {h.Width}x{h.Height}x{h.Channels} images; the version says {layout.Width}x{layout.Height}x{layout.Channels}.");
                _counts[i] = h.Count;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ImagePixels Layout { get; }

    public void Read(ImageItem item, Span<byte> hwc)
    {
        if (!item.IsReadable) throw new InvalidOperationException($"{item.Path} has no pixels: {item.Problem?.Message ?? "it is not in a shard"}.");
        Read(item.Shard, item.Slot, hwc);
    }

    /// <summary>Copies the image at <paramref name="slot"/> of shard <paramref name="shard"/>.</summary>
    public void Read(int shard, int slot, Span<byte> hwc)
    {
        int bytes = Layout.ImageBytes;
        if (hwc.Length < bytes) throw new ArgumentException($"The destination holds {hwc.Length} bytes; one image is {bytes}.");
        if ((uint)shard >= (uint)_handles.Length || (uint)slot >= (uint)_counts[shard])
            throw new ArgumentOutOfRangeException(nameof(slot), $"Shard {shard} slot {slot} does not exist in this version ({_handles.Length} shards).");
        var target = hwc[..bytes];
        long offset = ImageShardFormat.HeaderBytes + (long)slot * bytes;
        while (target.Length > 0)
        {
            int n = RandomAccess.Read(_handles[shard], target, offset);
            if (n == 0) throw new EndOfStreamException($"Pixel shard {shard} ended early at slot {slot}.");
            target = target[n..];
            offset += n;
        }
    }

    public void Dispose()
    {
        foreach (var h in _handles) h?.Dispose();
    }
}
