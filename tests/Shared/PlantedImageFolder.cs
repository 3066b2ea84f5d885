using SkiaSharp;

namespace Lepton.Tests.Shared;

/// <summary>
/// A folder of images in the Keras layout (train/validation/test, one subfolder per class: circle, square, stripes) made
/// for the image import, inspection and training tests: several hundred JPEG, PNG, BMP and WebP files of mixed sizes, gray
/// and colour, progressive JPEGs (tools/fixtures/data_progressive.py), and planted problems whose files it lists by kind.
/// The clean images are random shapes on textured backgrounds, distinct from one another.
/// </summary>
public sealed class PlantedImageFolder
{
    public static IReadOnlyList<string> Classes { get; } = ["circle", "square", "stripes"];

    private readonly Dictionary<string, List<string[]>> _planted = [];
    private readonly Random _rng;

    private PlantedImageFolder(string root, int seed)
    {
        Root = root;
        _rng = new Random(seed);
    }

    public string Root { get; }

    /// <summary>Every file written, relative to <see cref="Root"/> with '/' separators.</summary>
    public List<string> Files { get; } = [];

    /// <summary>The planted problems by finding kind: each entry lists the files one finding should name.</summary>
    public IReadOnlyDictionary<string, List<string[]>> Planted => _planted;

    /// <summary>
    /// Writes the folder: <paramref name="perClass"/> clean images per class in train (a fifth as many in validation, a
    /// third in test) and the planted problems, unless <paramref name="plant"/> is false.
    /// </summary>
    public static PlantedImageFolder Create(string root, int perClass = 60, bool plant = true, int seed = 15, string? progressiveFixtures = null)
    {
        var folder = new PlantedImageFolder(root, seed);
        foreach (var (split, n) in new[] { ("train", perClass), ("validation", Math.Max(2, perClass / 5)), ("test", Math.Max(3, perClass / 3)) })
            foreach (var cls in Classes)
                for (int i = 0; i < n; i++)
                    folder.WriteClean(split, cls, i);
        if (progressiveFixtures is not null)
            foreach (var file in Directory.EnumerateFiles(progressiveFixtures, "*.jpg").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                folder.Copy(file, $"train/{name.Split('_')[0]}/progressive_{name}");
            }
        if (plant) folder.PlantProblems();
        return folder;
    }

    private void PlantProblems()
    {
        // Unreadable: JPEGs cut in half; not images: a text file named .jpg and an empty .png.
        foreach (var (cls, i) in new[] { ("circle", 0), ("stripes", 1) })
        {
            var bytes = Encode(Draw(cls, 80, 64, gray: false), SKEncodedImageFormat.Jpeg);
            Plant("unreadable", Write($"train/{cls}/broken_{i}.jpg", bytes[..(bytes.Length / 2)]));
        }
        Plant("not-an-image", Write("train/square/notes.jpg", "these are not pixels\n"u8.ToArray()));
        Plant("not-an-image", Write("train/stripes/empty.png", []));

        // Exact duplicates: the same bytes again in the same class and split.
        foreach (var (cls, i) in new[] { ("circle", 3), ("square", 4), ("stripes", 5) })
            Plant("exact-duplicate", Clean("train", cls, i), Copy(Path.Combine(Root, Clean("train", cls, i)), $"train/{cls}/copy_of_{i}.png"));

        // Near duplicates: re-encoded at another quality and size, same class and split.
        foreach (var (cls, i) in new[] { ("circle", 6), ("square", 7), ("stripes", 8) })
        {
            using var original = SKBitmap.Decode(Path.Combine(Root, Clean("train", cls, i)));
            using var smaller = original.Resize(new SKImageInfo(original.Width * 9 / 10, original.Height * 9 / 10), new SKSamplingOptions(SKFilterMode.Linear));
            Plant("near-duplicate", Clean("train", cls, i), Write($"train/{cls}/resaved_{i}.jpg", Encode(smaller, SKEncodedImageFormat.Jpeg, 70)));
        }

        // Leakage: a training image again in the test split; conflicting labels: a training image again under another class.
        foreach (var (cls, i) in new[] { ("circle", 9), ("square", 10) })
            Plant("split-leakage", Clean("train", cls, i), Copy(Path.Combine(Root, Clean("train", cls, i)), $"test/{cls}/leaked_{i}.png"));
        foreach (var (cls, other, i) in new[] { ("circle", "square", 11), ("stripes", "circle", 12) })
            Plant("conflicting-labels", Clean("train", cls, i), Copy(Path.Combine(Root, Clean("train", cls, i)), $"train/{other}/relabelled_{i}.png"));
    }

    private void Plant(string kind, params string[] files)
    {
        if (!_planted.TryGetValue(kind, out var list)) _planted[kind] = list = [];
        list.Add(files);
    }

    /// <summary>The relative path of clean image <paramref name="i"/> of a class in a split.</summary>
    public string Clean(string split, string cls, int i) => Files.First(f => f.StartsWith($"{split}/{cls}/img_{i:D3}.", StringComparison.Ordinal));

    private void WriteClean(string split, string cls, int i)
    {
        int w = _rng.Next(48, 161), h = Math.Clamp((int)(w * (0.6 + _rng.NextDouble() * 0.8)), 40, 200);
        bool gray = _rng.NextDouble() < 0.2;
        using var bitmap = Draw(cls, w, h, gray);
        double kind = _rng.NextDouble();
        var (format, ext) = kind < 0.55 ? (SKEncodedImageFormat.Jpeg, "jpg") : kind < 0.85 ? (SKEncodedImageFormat.Png, "png") : kind < 0.93 ? (SKEncodedImageFormat.Webp, "webp") : (SKEncodedImageFormat.Bmp, "bmp");
        var bytes = format == SKEncodedImageFormat.Bmp ? Bmp(bitmap) : Encode(bitmap, format, _rng.Next(85, 96));
        Write($"{split}/{cls}/img_{i:D3}.{ext}", bytes);
    }

    /// <summary>A shape of the class in a random bright colour on a dark background with noise, so no two images look alike.</summary>
    private SKBitmap Draw(string cls, int w, int h, bool gray)
    {
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)_rng.Next(0, 90), (byte)_rng.Next(0, 90), (byte)_rng.Next(0, 90)));
            using var noise = new SKPaint { IsAntialias = false };
            for (int k = 0; k < w * h / 40; k++)
            {
                noise.Color = new SKColor((byte)_rng.Next(0, 120), (byte)_rng.Next(0, 120), (byte)_rng.Next(0, 120));
                canvas.DrawRect(_rng.Next(w), _rng.Next(h), 2, 2, noise);
            }
            using var paint = new SKPaint { IsAntialias = true, Color = new SKColor((byte)_rng.Next(150, 256), (byte)_rng.Next(150, 256), (byte)_rng.Next(150, 256)) };
            int s = Math.Min(w, h), r = _rng.Next(s / 4, s / 3 + 1);
            float cx = _rng.Next(r, w - r + 1), cy = _rng.Next(r, h - r + 1);
            switch (cls)
            {
                case "circle":
                    canvas.DrawCircle(cx, cy, r, paint);
                    break;
                case "square":
                    canvas.Save();
                    canvas.RotateDegrees(_rng.Next(-20, 21), cx, cy);
                    canvas.DrawRect(cx - r, cy - r, 2 * r, 2 * r, paint);
                    canvas.Restore();
                    break;
                default:
                    int step = Math.Max(4, s / 8);
                    for (int y = _rng.Next(step); y < h; y += 2 * step) canvas.DrawRect(0, y, w, step, paint);
                    break;
            }
        }
        if (!gray) return bitmap;
        var grayBitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(grayBitmap))
        using (var image = SKImage.FromBitmap(bitmap))
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        bitmap.Dispose();
        return grayBitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"SkiaSharp cannot write {format}");
        return data.ToArray();
    }

    /// <summary>A 24-bit BMP (SkiaSharp reads BMP but does not write it).</summary>
    private static byte[] Bmp(SKBitmap bitmap)
    {
        int w = bitmap.Width, h = bitmap.Height, row = (w * 3 + 3) & ~3;
        var bytes = new byte[54 + row * h];
        "BM"u8.CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(2), bytes.Length);
        BitConverter.TryWriteBytes(bytes.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bytes.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bytes.AsSpan(18), w);
        BitConverter.TryWriteBytes(bytes.AsSpan(22), h);
        BitConverter.TryWriteBytes(bytes.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bytes.AsSpan(28), (short)24);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = bitmap.GetPixel(x, h - 1 - y);
                int at = 54 + y * row + x * 3;
                (bytes[at], bytes[at + 1], bytes[at + 2]) = (c.Blue, c.Green, c.Red);
            }
        return bytes;
    }

    private string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        Files.Add(relative);
        return relative;
    }

    private string Copy(string from, string relative) => Write(relative, File.ReadAllBytes(from));
}
