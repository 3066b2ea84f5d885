using Lepton.Engine;

namespace Lepton.Data;

/// <summary>A dataset held in two dense tensors: float32 inputs (N, ...) and targets, Int32 class ids (N) or float32 (N, ...).</summary>
public sealed class InMemoryDataset : IDataset
{
    private readonly int _inputRow;
    private readonly int _targetRow;

    public InMemoryDataset(Tensor inputs, Tensor targets, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.DType != DType.Float32)
            throw new ArgumentException($"InMemoryDataset expected float32 inputs (N, ...), got {inputs.DType} {inputs.Shape}. Convert with inputs.To(DType.Float32).");
        if (inputs.Rank < 1)
            throw new ArgumentException($"InMemoryDataset expected inputs (N, ...) with a leading example axis, got a scalar.");
        if (targets.DType is not (DType.Int32 or DType.Float32))
            throw new ArgumentException(
                $"InMemoryDataset expected Int32 class ids (N) or float32 targets (N, ...) (0/1, multi-hot or values), got {targets.DType} {targets.Shape}. Convert with targets.To(DType.Float32) or targets.To(DType.Int32).");
        if (targets.Rank < 1 || targets.Shape[0] != inputs.Shape[0])
            throw new ArgumentException($"InMemoryDataset: inputs {inputs.Shape} and targets {targets.Shape} must have the same number of examples on axis 0.");
        if (targets.DType == DType.Int32 && targets.Rank != 1)
            throw new ArgumentException($"InMemoryDataset expected Int32 class ids of shape (N), got {targets.Shape}.");

        Inputs = inputs.Detach().Contiguous();
        Targets = targets.Detach().Contiguous();
        ClassNames = classNames ?? [];
        if (Targets.DType == DType.Int32 && ClassNames.Count > 0)
        {
            foreach (var id in Targets.Span<int>())
                if ((uint)id >= (uint)ClassNames.Count)
                    throw new ArgumentException($"InMemoryDataset: class id {id} is outside 0..{ClassNames.Count - 1} ({ClassNames.Count} class names).");
        }
        var dims = Inputs.Shape.ToArray();
        InputShape = new Shape(dims[1..]);
        _inputRow = InputShape.Size;
        _targetRow = Count == 0 ? 0 : Targets.Numel / Count;
    }

    /// <summary>All inputs (N, ...), float32, dense.</summary>
    public Tensor Inputs { get; }

    /// <summary>All targets: Int32 (N) or float32 (N, ...), dense.</summary>
    public Tensor Targets { get; }

    public int Count => Inputs.Shape[0];

    public Shape InputShape { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public Batch GetBatch(ReadOnlySpan<int> indices) => GetBatch(indices, null);

    public Batch GetBatch(ReadOnlySpan<int> indices, Batch? reuse)
    {
        // Reused only when it is one of ours in every respect but the values.
        bool fits = reuse is not null && reuse.Count == indices.Length && reuse.Inputs.DType == DType.Float32
            && reuse.Targets.DType == Targets.DType && reuse.Inputs.Numel == indices.Length * _inputRow
            && reuse.Targets.Numel == indices.Length * _targetRow && reuse.Inputs.IsContiguous && reuse.Targets.IsContiguous;
        var inputs = fits ? reuse!.Inputs : Tensor.Empty(WithLeading(Inputs.Shape, indices.Length), DType.Float32);
        var targets = fits ? reuse!.Targets : Tensor.Empty(WithLeading(Targets.Shape, indices.Length), Targets.DType);
        Gather(Inputs.Span<float>(), inputs.Span<float>(), _inputRow, indices);
        if (Targets.DType == DType.Int32) Gather(Targets.Span<int>(), targets.Span<int>(), _targetRow, indices);
        else Gather(Targets.Span<float>(), targets.Span<float>(), _targetRow, indices);
        return fits ? reuse! : new Batch(inputs, targets);
    }

    /// <summary>A new dataset holding copies of the examples at <paramref name="indices"/>, in that order.</summary>
    public InMemoryDataset Subset(ReadOnlySpan<int> indices)
    {
        var batch = GetBatch(indices);
        return new InMemoryDataset(batch.Inputs, batch.Targets, ClassNames);
    }

    /// <summary>
    /// Shuffles with <paramref name="seed"/> and cuts into (first, second), first holding round(fraction*N)
    /// examples, e.g. Split(0.9, 1) for a train/validation split.
    /// </summary>
    public (InMemoryDataset First, InMemoryDataset Second) Split(double fraction, ulong seed)
    {
        if (!(fraction >= 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), $"Split fraction must be in [0, 1], got {fraction}.");
        var order = new Generator(seed).Permutation(Count);
        int firstCount = (int)Math.Round(fraction * Count);
        return (Subset(order.AsSpan(0, firstCount)), Subset(order.AsSpan(firstCount)));
    }

    private static Shape WithLeading(Shape shape, int n)
    {
        var dims = shape.ToArray();
        dims[0] = n;
        return new Shape(dims);
    }

    private void Gather<T>(ReadOnlySpan<T> source, Span<T> destination, int row, ReadOnlySpan<int> indices) where T : unmanaged
    {
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"InMemoryDataset.GetBatch: index {index} is outside 0..{Count - 1}.");
            source.Slice(index * row, row).CopyTo(destination.Slice(i * row, row));
        }
    }
}
