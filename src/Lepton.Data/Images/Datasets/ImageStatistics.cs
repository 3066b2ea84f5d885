namespace Lepton.Data.Images.Datasets;

/// <summary>Statistics of an image data set's stored pixels that training needs.</summary>
public static class ImageStatistics
{
    /// <summary>Images read at most by <see cref="ChannelMeanStd"/>; beyond it an evenly spaced sample stands for the split.</summary>
    public const int DefaultMaxImages = 5000;

    /// <summary>
    /// Per-channel mean and standard deviation (population) of the pixels scaled by 1/255, over the readable
    /// <paramref name="items"/>, or over <paramref name="maxImages"/> of them spaced evenly through the list when there are
    /// more (deterministic, so a run and its rerun record the same values).
    /// </summary>
    public static (float[] Mean, float[] Std) ChannelMeanStd(IReadOnlyList<ImageItem> items, IImagePixelSource pixels,
        int maxImages = DefaultMaxImages)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImages, 1);
        var readable = items.Where(i => i.IsReadable).ToList();
        if (readable.Count == 0)
            throw new ArgumentException("ImageStatistics.ChannelMeanStd: no readable images to measure; import some images first (lepton data import).");
        int channels = pixels.Layout.Channels, bytes = pixels.Layout.ImageBytes;
        int take = Math.Min(maxImages, readable.Count);
        // Exact integer sums: no rounding drift however many images are read.
        var sum = new long[channels];
        var squares = new long[channels];
        var hwc = new byte[bytes];
        for (int k = 0; k < take; k++)
        {
            var item = readable[(int)((long)k * readable.Count / take)];
            pixels.Read(item, hwc);
            for (int p = 0; p < bytes; p += channels)
                for (int c = 0; c < channels; c++)
                {
                    int v = hwc[p + c];
                    sum[c] += v;
                    squares[c] += v * v;
                }
        }
        double count = (double)take * (bytes / channels);
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = sum[c] / count, variance = Math.Max(0, squares[c] / count - m * m);
            mean[c] = (float)(m / 255);
            // A constant channel would divide by zero when normalizing; 1/255 keeps it finite (it carries no signal anyway).
            std[c] = (float)Math.Max(Math.Sqrt(variance) / 255, 1.0 / 255);
        }
        return (mean, std);
    }

    /// <summary>Scale 1/255 then the per-channel mean/std of <see cref="ChannelMeanStd"/>: what a model trained on these images records.</summary>
    public static Preprocessing Preprocessing(IReadOnlyList<ImageItem> items, IImagePixelSource pixels, int maxImages = DefaultMaxImages)
    {
        var (mean, std) = ChannelMeanStd(items, pixels, maxImages);
        return new Preprocessing(1f / 255, mean, std);
    }
}
