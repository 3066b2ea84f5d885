using Lepton.Data;
using Lepton.Data.Images;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;

namespace Lepton.Training.Quality;

/// <summary>
/// The readable, labelled items of an image data set as an <see cref="InMemoryDataset"/> of small float features: each
/// image's stored pixels shrunk to <c>side x side</c> per channel (antialiased bilinear), scaled to [0,1], flattened
/// (C*side*side). Memory is bounded: more than <paramref name="maxBytes"/> of features is an error naming the cap.
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
        int features = layout.Channels * side * side;
        long bytes = (long)items.Count * features * sizeof(float);
        if (bytes > maxBytes)
            throw new InvalidOperationException(
                $"Out-of-fold predictions need {Size(bytes)} of features for {items.Count} images ({features} floats each), over the cap of {Size(maxBytes)}; use a smaller feature side or inspect a subset.");
        var x = new float[items.Count * features];
        var y = new int[items.Count];
        Parallel.For(0, items.Count, () => new byte[layout.ImageBytes], (n, _, buffer) =>
        {
            pixels.Read(items[n], buffer);
            var dst = x.AsSpan(n * features, features);
            ImageResize.Bilinear(buffer, layout.Width, layout.Height, layout.Channels, dst, side, side);
            for (int i = 0; i < dst.Length; i++) dst[i] /= 255f;
            y[n] = classIndex[items[n].Label!];
            return buffer;
        }, _ => { });
        return (new InMemoryDataset(Tensor.FromArray(x, items.Count, features), Tensor.FromArray(y, items.Count), manifest.Classes), items);
    }

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MiB" : $"{bytes:N0} bytes";
}
