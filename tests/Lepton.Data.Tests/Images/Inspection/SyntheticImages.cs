using System.Security.Cryptography;
using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Tests.Images.Inspection;

/// <summary>An in-memory pixel source: each item's stored pixels by path.</summary>
internal sealed class FakePixelSource(ImagePixels layout) : IImagePixelSource
{
    public Dictionary<string, byte[]> Pixels { get; } = new(StringComparer.Ordinal);

    public ImagePixels Layout { get; } = layout;

    public void Read(ImageItem item, Span<byte> hwc)
    {
        if (!item.IsReadable) throw new InvalidOperationException($"{item.Path} is not readable.");
        Pixels[item.Path].CopyTo(hwc);
    }
}

/// <summary>
/// Random but distinct clean images (shapes on a background, noise textures, gradients with shapes) and a builder that
/// turns them into a manifest plus pixel source, with helpers to plant copies and problems.
/// </summary>
internal sealed class SyntheticImages
{
    public const int Side = 48;
    public static readonly ImagePixels Layout = new(Side, Side, 3, "stretch", ["shard0"]);

    private readonly Random _rng;
    public List<ImageItem> Items { get; } = [];
    public FakePixelSource Source { get; } = new(Layout);
    public List<string> Classes { get; }

    public SyntheticImages(int seed, IReadOnlyList<string>? classes = null)
    {
        _rng = new Random(seed);
        Classes = [.. classes ?? ["cat", "dog", "fox"]];
    }

    public ImageManifest Manifest => new(Items, Classes, Layout);

    /// <summary>n clean images per class, spread over the splits 70/15/15 by index.</summary>
    public SyntheticImages AddClean(int perClass, bool withSplits = true)
    {
        foreach (var label in Classes)
            for (int i = 0; i < perClass; i++)
            {
                string? split = !withSplits ? null : (i % 20) switch { < 14 => "train", < 17 => "validation", _ => "test" };
                Add($"{split ?? "all"}/{label}/img{i:D4}.png", Random(), label, split);
            }
        return this;
    }

    public ImageItem Add(string path, byte[] pixels, string? label, string? split, int width = 120, int height = 100)
    {
        var item = new ImageItem(path, Convert.ToHexStringLower(SHA256.HashData(pixels)), pixels.Length, label, split,
            Width: width, Height: height, Channels: 3, Shard: 0, Slot: Items.Count);
        Items.Add(item);
        Source.Pixels[path] = pixels;
        return item;
    }

    public ImageItem AddProblem(string path, ImageProblemKind kind, string? label, string? split)
    {
        var item = new ImageItem(path, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path))), 10,
            label, split, Problem: new ImageProblem(kind, $"planted {kind}"));
        Items.Add(item);
        return item;
    }

    public byte[] PixelsOf(string path) => Source.Pixels[path];

    /// <summary>A random clean image: shapes on a background, a noise texture, or a gradient with shapes.</summary>
    public byte[] Random()
    {
        var img = new byte[Side * Side * 3];
        int kind = _rng.Next(3);
        if (kind == 1)
        {
            // Noise texture: random 6x6 grid of colours, bilinearly interpolated, plus fine noise.
            int g = 6;
            var grid = new double[g * g * 3];
            for (int i = 0; i < grid.Length; i++) grid[i] = _rng.Next(256);
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    double gx = x * (g - 1.0) / (Side - 1), gy = y * (g - 1.0) / (Side - 1);
                    int x0 = Math.Min((int)gx, g - 2), y0 = Math.Min((int)gy, g - 2);
                    double fx = gx - x0, fy = gy - y0;
                    for (int c = 0; c < 3; c++)
                    {
                        double v = (1 - fy) * ((1 - fx) * grid[(y0 * g + x0) * 3 + c] + fx * grid[(y0 * g + x0 + 1) * 3 + c])
                                   + fy * ((1 - fx) * grid[((y0 + 1) * g + x0) * 3 + c] + fx * grid[((y0 + 1) * g + x0 + 1) * 3 + c]);
                        img[(y * Side + x) * 3 + c] = Clamp(v + _rng.Next(-20, 21));
                    }
                }
            return img;
        }
        var a = RandomColor();
        var b = kind == 2 ? RandomColor() : a;
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
                for (int c = 0; c < 3; c++)
                    img[(y * Side + x) * 3 + c] = Clamp(a[c] + (b[c] - a[c]) * (double)(x + y) / (2 * Side - 2));
        int shapes = _rng.Next(3, 7);
        for (int s = 0; s < shapes; s++)
        {
            var col = RandomColor();
            int cx = _rng.Next(Side), cy = _rng.Next(Side), r = _rng.Next(5, 16);
            bool circle = _rng.Next(2) == 0;
            for (int y = Math.Max(0, cy - r); y < Math.Min(Side, cy + r); y++)
                for (int x = Math.Max(0, cx - r); x < Math.Min(Side, cx + r); x++)
                {
                    if (circle && (x - cx) * (x - cx) + (y - cy) * (y - cy) > r * r) continue;
                    for (int c = 0; c < 3; c++) img[(y * Side + x) * 3 + c] = (byte)col[c];
                }
        }
        return img;
    }

    /// <summary>A re-encoded, brightened copy: brighter by <paramref name="delta"/>, with +-3 noise (JPEG-like error).</summary>
    public byte[] NearCopy(byte[] src, int delta = 12)
    {
        var dst = new byte[src.Length];
        for (int i = 0; i < src.Length; i++) dst[i] = Clamp(src[i] + delta + _rng.Next(-3, 4));
        return dst;
    }

    /// <summary>One colour with noise of +-<paramref name="noise"/>.</summary>
    public byte[] NearConstant(int noise = 1)
    {
        var col = RandomColor();
        var img = new byte[Side * Side * 3];
        for (int i = 0; i < img.Length; i++) img[i] = Clamp(col[i % 3] + _rng.Next(-noise, noise + 1));
        return img;
    }

    private int[] RandomColor() => [_rng.Next(256), _rng.Next(256), _rng.Next(256)];

    private static byte Clamp(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);
}
