using System.Buffers;
using Lepton.Data.Images.Augmentation;
using Lepton.Engine;

namespace Lepton.Data.Images.Datasets;

/// <summary>
/// A training set over the readable items of an image data set version: each batch reads the items' (H,W,C) bytes from the
/// pixel source, augments them when an augmenter is set (training only; draws depend on the seed, the epoch the loader
/// sets and the item's index), and writes (N,C,H,W) float32 normalized by <see cref="Preprocessing"/> (the values the model
/// records, so serving repeats them), with Int32 class ids by the order of <see cref="ClassNames"/>. Memory stays bounded:
/// only the item list and one class id per item are held; pixels are read per batch. GetBatch is thread-safe.
/// </summary>
public sealed class ImageDataset : IDataset, IEpochAware
{
    private readonly int[] _classIds;
    // Byte value to normalized float per channel, computed by Preprocessing.Apply itself so the values match it to the bit.
    private readonly float[] _table;
    private readonly byte[] _fill;
    private readonly int _height, _width, _channels;
    private volatile int _epoch;

    public ImageDataset(IReadOnlyList<ImageItem> items, IImagePixelSource pixels, IReadOnlyList<string> classNames,
        Preprocessing preprocessing, ImageAugmenter? augmenter = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(preprocessing);
        var layout = pixels.Layout;
        (_height, _width, _channels) = (layout.Height, layout.Width, layout.Channels);
        if (_height <= 0 || _width <= 0 || _channels <= 0)
            throw new ArgumentException($"ImageDataset: the pixel source's layout is {_width}x{_height}x{_channels}; every size must be positive.");
        if (preprocessing.Mean.Length is not (0 or 1) && preprocessing.Mean.Length != _channels)
            throw new ArgumentException($"ImageDataset: the preprocessing has {preprocessing.Mean.Length} channel means but the images have {_channels} channels; compute them with ImageStatistics.ChannelMeanStd.");
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classNames.Count; i++)
            if (!index.TryAdd(classNames[i], i))
                throw new ArgumentException($"ImageDataset: class '{classNames[i]}' is listed twice in the class names.");
        _classIds = new int[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!item.IsReadable)
                throw new ArgumentException($"ImageDataset: '{item.Path}' has no pixels ({item.Problem?.Message ?? "not in a shard"}); keep only readable items (ImageDataset.ForSplit does) or run lepton data clean.");
            if (item.Label is null || !index.TryGetValue(item.Label, out _classIds[i]))
                throw new ArgumentException(item.Label is null
                    ? $"ImageDataset: '{item.Path}' has no label; label it (lepton label) or leave it out of training."
                    : $"ImageDataset: '{item.Path}' has label '{item.Label}', which is not among the {classNames.Count} classes ({string.Join(", ", classNames.Take(10))}{(classNames.Count > 10 ? ", ..." : "")}).");
        }
        Items = items;
        Pixels = pixels;
        ClassNames = classNames;
        Preprocessing = preprocessing;
        Augmenter = augmenter is { Spec.IsIdentity: false } ? augmenter : null;
        InputShape = new Shape(_channels, _height, _width);
        _table = Table(preprocessing, _channels);
        _fill = Fill(preprocessing, _channels);
    }

    /// <summary>The examples, in index order.</summary>
    public IReadOnlyList<ImageItem> Items { get; }

    public IImagePixelSource Pixels { get; }

    public Preprocessing Preprocessing { get; }

    /// <summary>The augmenter, or null when the batches are the stored pixels (validation, test, no augmentation).</summary>
    public ImageAugmenter? Augmenter { get; }

    /// <summary>The epoch whose augmentation draws the batches use.</summary>
    public int Epoch => _epoch;

    public int Count => Items.Count;

    /// <summary>(C, H, W) of one example.</summary>
    public Shape InputShape { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public void SetEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        _epoch = epoch;
    }

    /// <summary>
    /// The readable items of <paramref name="split"/> (train, validation or test) as a dataset with the manifest's classes;
    /// pass an augmenter only for the training split.
    /// </summary>
    public static ImageDataset ForSplit(ImageManifest manifest, IImagePixelSource pixels, string split, Preprocessing preprocessing,
        ImageAugmenter? augmenter = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(split);
        var items = manifest.Items.Where(i => i.IsReadable && string.Equals(i.Split, split, StringComparison.Ordinal)).ToList();
        if (items.Count == 0)
        {
            var present = manifest.Items.Where(i => i.IsReadable).Select(i => i.Split ?? "(none)").Distinct().Order().ToList();
            throw new ArgumentException(
                $"The image data set has no readable items in split '{split}' (splits present: {(present.Count == 0 ? "none" : string.Join(", ", present))}); assign splits with lepton data split NAME@V --test 0.2 --validation 0.1.");
        }
        return new ImageDataset(items, pixels, manifest.Classes, preprocessing, augmenter);
    }

    public Batch GetBatch(ReadOnlySpan<int> indices) => GetBatch(indices, null);

    public Batch GetBatch(ReadOnlySpan<int> indices, Batch? reuse)
    {
        int n = indices.Length, plane = _height * _width, bytes = plane * _channels;
        bool fits = reuse is not null && reuse.Count == n && reuse.Inputs.DType == DType.Float32 && reuse.Targets.DType == DType.Int32
            && reuse.Inputs.Shape == new Shape(n, _channels, _height, _width) && reuse.Targets.Numel == n
            && reuse.Inputs.IsContiguous && reuse.Targets.IsContiguous && reuse.MoreInputs is null;
        var inputs = fits ? reuse!.Inputs : Tensor.Empty(new Shape(n, _channels, _height, _width), DType.Float32);
        var targets = fits ? reuse!.Targets : Tensor.Empty(new Shape(n), DType.Int32);
        var x = inputs.Span<float>();
        var t = targets.Span<int>();
        byte[] raw = ArrayPool<byte>.Shared.Rent(bytes), warped = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            int epoch = _epoch;
            for (int i = 0; i < n; i++)
            {
                int index = indices[i];
                if ((uint)index >= (uint)Count)
                    throw new ArgumentOutOfRangeException(nameof(indices), $"ImageDataset.GetBatch: index {index} is outside 0..{Count - 1}.");
                var hwc = raw.AsSpan(0, bytes);
                Pixels.Read(Items[index], hwc);
                if (Augmenter is not null)
                {
                    Augmenter.Apply(hwc, warped.AsSpan(0, bytes), _height, _width, _channels, epoch, index, _fill);
                    hwc = warped.AsSpan(0, bytes);
                }
                ToPlanes(hwc, x.Slice(i * bytes, bytes));
                t[i] = _classIds[index];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<byte>.Shared.Return(warped);
        }
        return fits ? reuse! : new Batch(inputs, targets);
    }

    /// <summary>Class id of example <paramref name="index"/>.</summary>
    public int ClassOf(int index) => _classIds[index];

    private void ToPlanes(ReadOnlySpan<byte> hwc, Span<float> chw)
    {
        int plane = _height * _width, channels = _channels;
        var table = _table.AsSpan();
        for (int c = 0; c < channels; c++)
        {
            var lut = table.Slice(c * 256, 256);
            var dst = chw.Slice(c * plane, plane);
            for (int p = 0, s = c; p < plane; p++, s += channels) dst[p] = lut[hwc[s]];
        }
    }

    private static float[] Table(Preprocessing preprocessing, int channels)
    {
        var values = new float[channels * 256];
        for (int c = 0; c < channels; c++)
            for (int v = 0; v < 256; v++) values[c * 256 + v] = v;
        var normalized = preprocessing.Apply(Tensor.FromArray(values, 1, channels, 256));
        return normalized.ToArray();
    }

    // Cutout and constant fill use the mean pixel when normalizing (0 after normalization), else black.
    private static byte[] Fill(Preprocessing preprocessing, int channels)
    {
        var fill = new byte[channels];
        if (preprocessing.Mean.Length == 0 || preprocessing.Scale <= 0) return fill;
        for (int c = 0; c < channels; c++)
        {
            float mean = preprocessing.Mean[preprocessing.Mean.Length == 1 ? 0 : c];
            fill[c] = (byte)Math.Clamp((int)MathF.Round(mean / preprocessing.Scale), 0, 255);
        }
        return fill;
    }
}
