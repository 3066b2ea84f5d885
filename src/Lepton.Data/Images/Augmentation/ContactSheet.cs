using System.Runtime.InteropServices;
using Lepton.Data.Formats;
using Lepton.Data.Images.Datasets;
using SkiaSharp;

namespace Lepton.Data.Images.Augmentation;

/// <summary>How a contact sheet looks: augmented variants per sample, the smallest cell side (images are enlarged by a whole factor, nearest pixel, so single pixels stay visible), the border between cells and whether to write captions.</summary>
public sealed record ContactSheetOptions(int Variants = 6, int MinCell = 96, int Border = 2, bool Captions = true);

/// <summary>One row of a contact sheet: an item of a data set, its index there (which seeds its augmentation) and its caption.</summary>
public sealed record ContactSheetSample(ImageItem Item, int Index, string? Caption = null);

/// <summary>
/// A PNG a person can look at to judge an augmentation: one row per sample, the original in the first column and the
/// augmented variants of epochs 0, 1, ... in the next ones (exactly what training would see for that example), cells
/// separated by a thin border, with the class name at the left and the column names on top when a font is available.
/// </summary>
public static class ContactSheet
{
    private const int LabelWidth = 132, HeaderHeight = 22;
    private static readonly byte[] Background = [48, 48, 48];
    private static readonly byte[] Border = [160, 160, 160];

    /// <summary>Draws the sheet for <paramref name="samples"/> and returns the PNG file's bytes.</summary>
    public static byte[] Render(IReadOnlyList<ContactSheetSample> samples, IImagePixelSource pixels, ImageAugmenter augmenter,
        ContactSheetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(augmenter);
        options ??= new ContactSheetOptions();
        if (samples.Count == 0) throw new ArgumentException("ContactSheet needs at least one sample.");
        if (options.Variants is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(options), $"ContactSheet: variants must be from 1 to 64, got {options.Variants}.");
        var layout = pixels.Layout;
        int h = layout.Height, w = layout.Width, c = layout.Channels;
        var rows = new List<IReadOnlyList<byte[]>>();
        foreach (var sample in samples)
        {
            var original = new byte[layout.ImageBytes];
            pixels.Read(sample.Item, original);
            var row = new List<byte[]> { original };
            for (int epoch = 0; epoch < options.Variants; epoch++)
            {
                var variant = new byte[original.Length];
                augmenter.Apply(original, variant, h, w, c, epoch, sample.Index);
                row.Add(variant);
            }
            rows.Add(row);
        }
        string[] columns = ["original", .. Enumerable.Range(0, options.Variants).Select(e => $"epoch {e}")];
        var sheet = Compose(rows, h, w, c, samples.Select(s => s.Caption).ToList(), columns, options);
        return PngEncoder.Encode(sheet);
    }

    /// <summary>
    /// Lays out <paramref name="cells"/> (rows of (H,W,C) images, C = 1 or 3) as an RGB image with borders, enlarged by a
    /// whole factor to at least <see cref="ContactSheetOptions.MinCell"/> pixels a side, and the captions when a font is found.
    /// </summary>
    public static PngImage Compose(IReadOnlyList<IReadOnlyList<byte[]>> cells, int height, int width, int channels,
        IReadOnlyList<string?>? rowCaptions, IReadOnlyList<string>? columnCaptions, ContactSheetOptions options)
    {
        if (channels is not (1 or 3 or 4))
            throw new ArgumentException($"ContactSheet draws gray (C=1) or colour (C=3, 4) images, got C={channels}.");
        int scale = Math.Max(1, (options.MinCell + Math.Max(height, width) - 1) / Math.Max(height, width));
        int cellH = height * scale, cellW = width * scale, b = Math.Max(0, options.Border);
        int columns = cells.Max(r => r.Count);
        var typeface = options.Captions ? Font.Value : null;
        int left = typeface is null ? 0 : LabelWidth, top = typeface is null ? 0 : HeaderHeight;
        int sheetW = left + columns * (cellW + b) + b, sheetH = top + cells.Count * (cellH + b) + b;
        var rgb = new byte[sheetW * sheetH * 3];
        Fill(rgb, sheetW, 0, 0, sheetW, sheetH, Background);
        for (int r = 0; r < cells.Count; r++)
            for (int col = 0; col < cells[r].Count; col++)
            {
                int x0 = left + b + col * (cellW + b), y0 = top + b + r * (cellH + b);
                // The border frames each cell.
                Fill(rgb, sheetW, x0 - b, y0 - b, cellW + 2 * b, cellH + 2 * b, Border);
                var image = cells[r][col];
                for (int y = 0; y < cellH; y++)
                {
                    int sy = y / scale, o = ((y0 + y) * sheetW + x0) * 3;
                    for (int x = 0; x < cellW; x++, o += 3)
                    {
                        int s = (sy * width + x / scale) * channels;
                        if (channels == 1) rgb[o] = rgb[o + 1] = rgb[o + 2] = image[s];
                        else { rgb[o] = image[s]; rgb[o + 1] = image[s + 1]; rgb[o + 2] = image[s + 2]; }
                    }
                }
            }
        if (typeface is not null)
            DrawCaptions(rgb, sheetW, sheetH, typeface, rowCaptions, columnCaptions, left, top, b, cellW, cellH);
        return new PngImage(sheetW, sheetH, 3, rgb);
    }

    private static void Fill(byte[] rgb, int sheetW, int x0, int y0, int w, int h, byte[] color)
    {
        for (int y = y0; y < y0 + h; y++)
            for (int x = x0; x < x0 + w; x++)
                color.CopyTo(rgb, (y * sheetW + x) * 3);
    }

    private static void DrawCaptions(byte[] rgb, int w, int h, SKTypeface typeface, IReadOnlyList<string?>? rows, IReadOnlyList<string>? columns,
        int left, int top, int b, int cellW, int cellH)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[w * h * 4];
        for (int p = 0; p < w * h; p++)
        {
            rgba[p * 4] = rgb[p * 3]; rgba[p * 4 + 1] = rgb[p * 3 + 1]; rgba[p * 4 + 2] = rgb[p * 3 + 2]; rgba[p * 4 + 3] = 255;
        }
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using (var canvas = new SKCanvas(bitmap))
        using (var font = new SKFont(typeface, 13))
        using (var paint = new SKPaint { Color = new SKColor(235, 235, 235), IsAntialias = true })
        {
            for (int col = 0; columns is not null && col < columns.Count; col++)
                canvas.DrawText(columns[col], left + b + col * (cellW + b) + 2, top - 6, SKTextAlign.Left, font, paint);
            for (int r = 0; rows is not null && r < rows.Count; r++)
                if (rows[r] is { } caption)
                    canvas.DrawText(Fit(caption, font, LabelWidth - 8), 4, top + b + r * (cellH + b) + cellH / 2 + 5, SKTextAlign.Left, font, paint);
        }
        Marshal.Copy(bitmap.GetPixels(), rgba, 0, rgba.Length);
        for (int p = 0; p < w * h; p++)
        {
            rgb[p * 3] = rgba[p * 4]; rgb[p * 3 + 1] = rgba[p * 4 + 1]; rgb[p * 3 + 2] = rgba[p * 4 + 2];
        }
    }

    private static string Fit(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width) return text;
        while (text.Length > 1 && font.MeasureText(text + "…") > width) text = text[..^1];
        return text + "…";
    }

    // SkiaSharp's dependency-free native build has no fontconfig, so the default typeface may have no glyphs: look for a
    // common system font and leave captions out when there is none (the grid alone still shows the augmentation).
    private static readonly Lazy<SKTypeface?> Font = new(() =>
    {
        var fallback = SKTypeface.Default;
        if (fallback is { GlyphCount: > 0 }) return fallback;
        foreach (var path in (string[])["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
                     "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/System/Library/Fonts/Helvetica.ttc",
                     @"C:\Windows\Fonts\arial.ttf"])
            if (File.Exists(path) && SKTypeface.FromFile(path) is { GlyphCount: > 0 } face) return face;
        return null;
    });
}
