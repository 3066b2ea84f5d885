using Lepton.Data;
using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Bench;

/// <summary>
/// The first <c>count</c> Fashion-MNIST examples, normalized as in bench/reference/cnn_train.py ((x/255 - 0.2860) / 0.3530).
/// Only that slice is converted to float, so the timed work, not a 188 MB float copy of the whole split, sets the memory peak;
/// bench/reference/engine_compare.py takes the same slice.
/// </summary>
public sealed record FashionSlice(Tensor Images, Tensor Labels)
{
    private const float Mean = 0.2860f, Std = 0.3530f;

    /// <summary>Reads the first <paramref name="count"/> images (N,1,28,28) and labels (N) of the training or test split.</summary>
    public static FashionSlice Load(bool train, int count)
    {
        string prefix = train ? "train" : "t10k";
        string dir = FashionMnist.FindDirectory(null, train);
        var images = Idx.Read(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"));
        var labels = Idx.Read(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"));
        int available = images.Shape[0];
        if (count > available)
            throw new ArgumentOutOfRangeException(nameof(count), $"the {prefix} split has {available} examples, {count} were asked for; use fewer batches.");
        const int pixels = 28 * 28;
        var x = new float[count * pixels];
        for (int i = 0; i < x.Length; i++) x[i] = (images.Data[i] / 255f - Mean) / Std;
        var y = new int[count];
        for (int i = 0; i < count; i++) y[i] = labels.Data[i];
        return new FashionSlice(Tensor.FromArray(x, count, 1, 28, 28), Tensor.FromArray(y, count));
    }

    /// <summary>Examples [start, start + size) as views (no copy): the batches of the comparison are consecutive slices.</summary>
    public (Tensor X, Tensor Y) Batch(int start, int size) =>
        (Images.Slice(0, start, start + size), Labels.Slice(0, start, start + size));
}
