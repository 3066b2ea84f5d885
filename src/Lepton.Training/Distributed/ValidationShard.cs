using Lepton.Data;
using Lepton.Engine;

namespace Lepton.Training.Distributed;

/// <summary>
/// Rank r's contiguous part of a validation set: examples floor(r·N/Size) to floor((r+1)·N/Size) - 1, so the ranks together
/// read every example once and their summed loss and correct counts are the whole set's.
/// </summary>
public sealed class ValidationShard : IDataset
{
    private readonly IDataset _inner;
    private readonly int _start;

    public ValidationShard(IDataset inner, int rank, int size)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (size < 1 || rank < 0 || rank >= size)
            throw new ArgumentOutOfRangeException(nameof(rank), $"ValidationShard: rank {rank} of {size} is not a rank of the job.");
        _inner = inner;
        _start = (int)((long)rank * inner.Count / size);
        Count = (int)((long)(rank + 1) * inner.Count / size) - _start;
    }

    public int Count { get; }

    public Shape InputShape => _inner.InputShape;

    public IReadOnlyList<string> ClassNames => _inner.ClassNames;

    public Batch GetBatch(ReadOnlySpan<int> indices) => _inner.GetBatch(Shift(indices));

    public Batch GetBatch(ReadOnlySpan<int> indices, Batch? reuse) => _inner.GetBatch(Shift(indices), reuse);

    private int[] Shift(ReadOnlySpan<int> indices)
    {
        var shifted = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"ValidationShard: index {indices[i]} is outside its {Count} examples.");
            shifted[i] = _start + indices[i];
        }
        return shifted;
    }
}
