using Lepton.Engine;

namespace Lepton.Data.Images.Datasets;

/// <summary>
/// Images already in memory as a tensor (N,C,H,W) of values in [0,1] (Fashion-MNIST as loaded), served as 8-bit (H,W,C)
/// pixels so <see cref="ImageDataset"/> can augment and normalize them like an imported data set. Item i is slot i.
/// </summary>
public sealed class TensorImagePixelSource : IImagePixelSource
{
    private readonly byte[] _hwc;

    /// <param name="images">(N,C,H,W) in [0,1]; each value is rounded to the nearest of 256 levels, exact for 8-bit sources.</param>
    public TensorImagePixelSource(Tensor images)
    {
        if (images.Shape.Rank != 4)
            throw new ArgumentException($"TensorImagePixelSource takes images (N,C,H,W), got {images.Shape}.");
        int n = images.Shape[0], c = images.Shape[1], h = images.Shape[2], w = images.Shape[3], plane = h * w;
        Layout = new ImagePixels(w, h, c, "stretch", []);
        var chw = images.Contiguous().Span<float>();
        _hwc = new byte[chw.Length];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < plane; p++)
                    _hwc[(i * plane + p) * c + ch] = (byte)Math.Clamp(MathF.Round(chw[(i * c + ch) * plane + p] * 255f), 0, 255);
        Count = n;
    }

    public ImagePixels Layout { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>One readable item per image (slot i, label the class name of <paramref name="targets"/>[i]).</summary>
    public IReadOnlyList<ImageItem> Items(Tensor targets, IReadOnlyList<string> classNames)
    {
        var ids = targets.Contiguous().ToIntArray();
        return [.. Enumerable.Range(0, Count).Select(i => new ImageItem($"{i}", "", Layout.ImageBytes, classNames[ids[i]], ImageSplits.Train, Shard: 0, Slot: i))];
    }

    public void Read(ImageItem item, Span<byte> hwc) =>
        _hwc.AsSpan(item.Slot * Layout.ImageBytes, Layout.ImageBytes).CopyTo(hwc);
}
