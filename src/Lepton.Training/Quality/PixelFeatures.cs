using Lepton.Data;
using Lepton.Data.Images;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;

namespace Lepton.Training.Quality;

/// <summary>
/// The readable, labelled items of an image data set as an <see cref="InMemoryDataset"/> of small float features: each
/// image's stored pixels shrunk to <c>side x side</c> per channel (antialiased bilinear) and scaled to [0,1], followed by
/// histograms of gradient orientation (HOG-like: 8 unsigned directions, magnitude-weighted, on a 4x4 grid of a 32x32 gray
/// copy, plus one over the whole image). Raw pixels alone tell colours and layouts apart but not shapes (a disc from a
/// square: 70% out-of-fold accuracy on the planted folder); edge directions do. Memory is bounded: more than
/// <c>maxBytes</c> of features is an error naming the cap.
/// </summary>
public static class PixelFeatures
{
    public const long DefaultMaxBytes = 1L << 30;

    public static (InMemoryDataset Dataset, IReadOnlyList<ImageItem> Items) ToInMemory(
        ImageManifest manifest, IImagePixelSource pixels, int side = 8, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(pixels);
        var classIndex = manifest.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var items = manifest.Items.Where(i => i.IsReadable && i.Label is not null && classIndex.ContainsKey(i.Label)).ToList();
        var layout = pixels.Layout;
        int pixelFeatures = layout.Channels * side * side;
        int features = pixelFeatures + GradientFeatures;
        long bytes = (long)items.Count * features * sizeof(float);
        if (bytes > maxBytes)
            throw new InvalidOperationException(
                $"Out-of-fold predictions need {Size(bytes)} of features for {items.Count} images ({features} floats each), over the cap of {Size(maxBytes)}; use a smaller feature side or inspect a subset.");
        var x = new float[items.Count * features];
        var y = new int[items.Count];
        Parallel.For(0, items.Count, () => new byte[layout.ImageBytes], (n, _, buffer) =>
        {
            pixels.Read(items[n], buffer);
            var dst = x.AsSpan(n * features, pixelFeatures);
            ImageResize.Bilinear(buffer, layout.Width, layout.Height, layout.Channels, dst, side, side);
            for (int i = 0; i < dst.Length; i++) dst[i] /= 255f;
            OrientationHistograms(buffer, layout.Width, layout.Height, layout.Channels, x.AsSpan(n * features + pixelFeatures, GradientFeatures));
            y[n] = classIndex[items[n].Label!];
            return buffer;
        }, _ => { });
        return (new InMemoryDataset(Tensor.FromArray(x, items.Count, features), Tensor.FromArray(y, items.Count), manifest.Classes), items);
    }

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MiB" : $"{bytes:N0} bytes";

    private const int Gray = 32, Cells = 4, Bins = 8;
    private const int GradientFeatures = (Cells * Cells + 1) * Bins;

    /// <summary>Per cell of a 4x4 grid and over the whole image: gradient magnitude by direction (0-180 degrees, 8 bins), each histogram summing to 1.</summary>
    internal static void OrientationHistograms(ReadOnlySpan<byte> hwc, int width, int height, int channels, Span<float> dst)
    {
        var gray = new byte[width * height];
        for (int p = 0; p < gray.Length; p++)
        {
            int o = p * channels;
            gray[p] = channels < 3 ? hwc[o] : (byte)((hwc[o] * 299 + hwc[o + 1] * 587 + hwc[o + 2] * 114 + 500) / 1000);
        }
        var g = new float[Gray * Gray];
        ImageResize.Bilinear(gray, width, height, 1, g, Gray, Gray);
        dst.Clear();
        int cell = Gray / Cells;
        for (int y = 1; y < Gray - 1; y++)
            for (int x = 1; x < Gray - 1; x++)
            {
                float gx = g[y * Gray + x + 1] - g[y * Gray + x - 1];
                float gy = g[(y + 1) * Gray + x] - g[(y - 1) * Gray + x];
                float mag = MathF.Sqrt(gx * gx + gy * gy);
                if (mag == 0) continue;
                float angle = MathF.Atan2(gy, gx);
                if (angle < 0) angle += MathF.PI;
                int bin = Math.Min(Bins - 1, (int)(angle / MathF.PI * Bins));
                dst[((y / cell) * Cells + x / cell) * Bins + bin] += mag;
                dst[Cells * Cells * Bins + bin] += mag;
            }
        for (int h = 0; h <= Cells * Cells; h++)
        {
            var hist = dst.Slice(h * Bins, Bins);
            float sum = 0;
            foreach (var v in hist) sum += v;
            if (sum > 0) for (int b = 0; b < Bins; b++) hist[b] /= sum;
        }
    }
}
