using Lepton.Data;
using Lepton.Data.Formats;
using Lepton.Data.Images;
using Lepton.Reports.Evaluation;

namespace Lepton.Reports.Html;

/// <summary>
/// Small PNGs of a report's examples as base64 data URIs, read again from the data (scoring never keeps inputs); only
/// gray or RGB image inputs (C = 1 or 3) have thumbnails. The image gallery's <see cref="IExampleViews"/>.
/// </summary>
public sealed class Thumbnails(IDataset data) : IExampleViews
{
    /// <summary>The longest side of a thumbnail; larger images are shrunk (bilinear), smaller ones scaled up by CSS.</summary>
    public const int Side = 64;

    private readonly Dictionary<int, string?> _cache = [];

    public bool Wide => false;

    /// <summary>Thumbnails need no model: these views are already frozen.</summary>
    public IExampleViews Freeze() => this;

    /// <summary>Reads every index once, so a gallery costs one batch.</summary>
    public void Prefetch(IReadOnlyCollection<int> indices, CancellationToken ct = default) => Prefetch((IEnumerable<int>)indices);

    /// <summary>The thumbnail as an <c>img</c> element, or null when the input is not an image.</summary>
    public string? Html(int index) => Get(index) is { } uri ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"<img alt=\"example {index}\" src=\"{uri}\">") : null;

    /// <summary>Reads every index once, so a gallery costs one batch.</summary>
    public void Prefetch(IEnumerable<int> indices)
    {
        var missing = indices.Where(i => !_cache.ContainsKey(i)).Distinct().ToArray();
        if (missing.Length == 0) return;
        var shape = data.InputShape;
        if (shape.Rank != 3 || shape[0] is not (1 or 3))
        {
            foreach (int i in missing) _cache[i] = null;
            return;
        }
        int c = shape[0], h = shape[1], w = shape[2];
        var values = data.GetBatch(missing).Inputs.Contiguous().Span<float>();
        for (int j = 0; j < missing.Length; j++) _cache[missing[j]] = DataUri(values.Slice(j * c * h * w, c * h * w), c, h, w);
    }

    /// <summary>A <c>data:image/png;base64,...</c> URI of example <paramref name="index"/>, or null when its input is not an image.</summary>
    public string? Get(int index)
    {
        if (!_cache.ContainsKey(index)) Prefetch([index]);
        return _cache[index];
    }

    // chw: raw 0..255 values of one example.
    internal static string DataUri(ReadOnlySpan<float> chw, int channels, int height, int width)
    {
        int plane = height * width;
        var hwc = new byte[plane * channels];
        for (int ch = 0; ch < channels; ch++)
            for (int p = 0; p < plane; p++) hwc[p * channels + ch] = (byte)Math.Clamp(MathF.Round(chw[ch * plane + p]), 0, 255);
        double scale = Math.Min(1.0, (double)Side / Math.Max(width, height));
        int w = Math.Max(1, (int)Math.Round(width * scale)), h = Math.Max(1, (int)Math.Round(height * scale));
        byte[] png;
        if (w == width && h == height) png = PngEncoder.Encode(new PngImage(w, h, channels, hwc));
        else
        {
            var small = new float[channels * w * h];
            ImageResize.Bilinear(hwc, width, height, channels, small, w, h);
            var bytes = new byte[w * h * channels];
            for (int ch = 0; ch < channels; ch++)
                for (int p = 0; p < w * h; p++) bytes[p * channels + ch] = (byte)Math.Clamp(MathF.Round(small[ch * w * h + p]), 0, 255);
            png = PngEncoder.Encode(new PngImage(w, h, channels, bytes));
        }
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
