namespace Lepton.Data.Images.Import;

/// <summary>
/// How an import decodes: the stored size (<see cref="Width"/> x <see cref="Height"/>, chosen from the data when null),
/// the channels (1 or 3; 3 when any image has colour when null), the resize policy, and the limits on files and pixels.
/// </summary>
public sealed record ImageImportOptions(
    int? Width = null,
    int? Height = null,
    int? Channels = null,
    ResizePolicy Resize = ResizePolicy.Stretch,
    int MaxFiles = ImageScanOptions.DefaultMaxFiles,
    long MaxPixels = ImageToTensor.DefaultMaxPixels,
    long MaxFileBytes = ImageImportOptions.DefaultMaxFileBytes,
    int ShardBytes = ImageShardFormat.TargetBytes,
    int? Workers = null)
{
    /// <summary>A file larger than this is refused unread (TooLarge): 256 MiB.</summary>
    public const long DefaultMaxFileBytes = 256L << 20;

    public int WorkerCount => Math.Max(1, Workers ?? Environment.ProcessorCount);

    /// <summary>Checks the values and names the one that is wrong.</summary>
    public void Validate()
    {
        if ((Width is null) != (Height is null)) throw new ArgumentException("Give both the width and the height (--size WxH), or neither to choose from the data.");
        if (Width is < 1 or > 4096 || Height is < 1 or > 4096) throw new ArgumentException($"--size {Width}x{Height} is out of range; each side is 1..4096.");
        if (Channels is not (null or 1 or 3)) throw new ArgumentException($"--channels {Channels} is not 1 (gray) or 3 (RGB).");
        if (Resize == ResizePolicy.Exact) throw new ArgumentException("An import resizes every image; choose stretch, fit or crop.");
        if (MaxFiles < 1) throw new ArgumentException($"--max-files {MaxFiles} must be at least 1.");
    }

    /// <summary>Parses <c>WxH</c> (e.g. 64x64).</summary>
    public static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h) && w > 0 && h > 0) return (w, h);
        throw new ArgumentException($"--size '{text}' is not WxH (e.g. 64x64).");
    }

    /// <summary>Parses stretch, fit or crop.</summary>
    public static ResizePolicy ParseResize(string text) => text.Trim().ToLowerInvariant() switch
    {
        "stretch" => ResizePolicy.Stretch,
        "fit" => ResizePolicy.Fit,
        "crop" => ResizePolicy.Crop,
        _ => throw new ArgumentException($"--resize '{text}' is not stretch, fit or crop."),
    };
}

/// <summary>Where an import stands: files done of the total, bytes read, and the rate of the current stage.</summary>
public sealed record ImportProgress(string Stage, int FilesDone, int FilesTotal, long BytesDone, double ImagesPerSecond);
