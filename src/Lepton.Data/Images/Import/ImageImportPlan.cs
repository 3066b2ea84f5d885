using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Images.Import;

/// <summary>
/// The first pass of an import: every scanned file hashed and its header read (nothing decoded), and the stored layout
/// chosen. Its <see cref="ContentHash"/> is already the version's identity, so an unchanged folder is recognised before
/// any pixel is decoded.
/// </summary>
public sealed record ImageImportPlan(ImageScan Scan, IReadOnlyList<ImageProbe> Probes, int Width, int Height, int Channels, ResizePolicy Resize)
{
    /// <summary>The resize policy's name as stored in <see cref="ImagePixels.Resize"/>.</summary>
    public string ResizeName => Resize.ToString().ToLowerInvariant();

    /// <summary>The items without pixel locations (what the content hash covers, plus problems and sizes).</summary>
    public IReadOnlyList<ImageItem> Items() =>
        [.. Scan.Files.Select((f, i) => new ImageItem(f.Path, Probes[i].Sha256, Probes[i].Size, f.Label, f.Split, f.Group,
            Problem: Probes[i].Problem))];

    /// <summary>The class names, sorted ordinally.</summary>
    public IReadOnlyList<string> Classes() =>
        [.. Scan.Files.Select(f => f.Label).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public string ContentHash() => new ImageManifest(Items(), Classes(), new ImagePixels(Width, Height, Channels, ResizeName, [])).ContentHash();

    /// <summary>True when <paramref name="pixels"/> has this plan's size, channels and resize policy.</summary>
    public bool SameLayout(ImagePixels pixels) =>
        pixels.Width == Width && pixels.Height == Height && pixels.Channels == Channels && pixels.Resize == ResizeName;
}

/// <summary>Pixels an earlier version already holds, found by file hash, so an unchanged file is never decoded twice.</summary>
public sealed record ImagePixelReuse(IImagePixelSource Source, IReadOnlyDictionary<string, ImageItem> BySha256)
{
    public static ImagePixelReuse From(ImageManifest manifest, IImagePixelSource source)
    {
        var bySha = new Dictionary<string, ImageItem>(StringComparer.Ordinal);
        foreach (var item in manifest.Items) bySha.TryAdd(item.Sha256, item);
        return new ImagePixelReuse(source, bySha);
    }
}

/// <summary>Per-channel sums over 8-bit pixels, exact in integers so the order of accumulation never changes the result.</summary>
public sealed class ChannelSums(int channels)
{
    private readonly long[] _sum = new long[channels];
    private readonly long[] _squares = new long[channels];

    public long Pixels { get; private set; }

    public void Add(ReadOnlySpan<byte> hwc)
    {
        int c = _sum.Length;
        // Per-image partial sums fit in 64 bits for any image this holds; channel by stride, no division per byte.
        for (int ch = 0; ch < c; ch++)
        {
            long sum = 0, squares = 0;
            for (int i = ch; i < hwc.Length; i += c)
            {
                int v = hwc[i];
                sum += v;
                squares += v * v;
            }
            _sum[ch] += sum;
            _squares[ch] += squares;
        }
        Pixels += hwc.Length / c;
    }

    /// <summary>Mean of each channel with values scaled to [0, 1].</summary>
    public double[] Mean() => [.. _sum.Select(s => Pixels == 0 ? 0 : s / 255.0 / Pixels)];

    /// <summary>Population standard deviation of each channel with values scaled to [0, 1].</summary>
    public double[] Std() => [.. _sum.Select((s, i) =>
    {
        if (Pixels == 0) return 0;
        double mean = (double)s / Pixels;
        return Math.Sqrt(Math.Max(0, (double)_squares[i] / Pixels - mean * mean)) / 255.0;
    })];
}
