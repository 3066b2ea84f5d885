using Lepton.Data;
using Lepton.Engine;

namespace Lepton.Training.Distributed;

/// <summary>
/// One rank's share of every global batch: each epoch's order is the one a single process with the global batch size
/// would use (the same seeded permutation), each global batch of m examples is cut into Size contiguous parts of
/// floor((r+1)m/Size) - floor(rm/Size) examples, and rank r reads part r. Read in order with batch size
/// <see cref="LocalBatchSize"/>, local batch k is exactly rank r's part of global batch k, so N ranks together take the
/// steps of one process. A last global batch smaller than Size is dropped (a rank would get no example).
/// </summary>
public sealed class RankShard : IDataset, IEpochAware
{
    private readonly IDataset _inner;
    private readonly DataLoader _global;
    private readonly int _globalBatch;
    private readonly int _rank;
    private readonly int _size;
    private readonly int _globalBatches;
    // Global positions (into the epoch's order) of this rank's examples, in local order; fixed for the run.
    private readonly int[] _positions;
    private int[] _order;

    public RankShard(IDataset inner, int globalBatchSize, ulong seed, bool shuffle, bool dropLast, int rank, int size)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"RankShard: size must be >= 1, got {size}.");
        if (rank < 0 || rank >= size) throw new ArgumentOutOfRangeException(nameof(rank), $"RankShard: rank must be in [0, {size - 1}], got {rank}.");
        if (globalBatchSize < size || globalBatchSize % size != 0)
            throw new ArgumentException($"RankShard: the global batch size {globalBatchSize} must be a multiple of the {size} ranks, so every rank reads the same number of examples per full batch.", nameof(globalBatchSize));
        _inner = inner;
        _globalBatch = globalBatchSize;
        _rank = rank;
        _size = size;
        // The global loader is never enumerated: it only gives the order a single process would read.
        _global = new DataLoader(inner, new DataLoaderOptions(globalBatchSize, shuffle, seed, dropLast, Prefetch: 0));
        int batches = _global.BatchCount;
        int last = inner.Count - (batches - 1) * globalBatchSize;
        if (batches > 0 && last < size) batches--;
        _globalBatches = batches;
        var positions = new List<int>();
        for (int b = 0; b < batches; b++)
        {
            int m = Math.Min(globalBatchSize, inner.Count - b * globalBatchSize);
            var (start, count) = Part(m, rank, size);
            for (int i = 0; i < count; i++) positions.Add(b * globalBatchSize + start + i);
        }
        _positions = [.. positions];
        _order = _global.OrderFor(0);
    }

    /// <summary>Batch size to read this shard with: the part of a full global batch each rank reads.</summary>
    public int LocalBatchSize => _globalBatch / _size;

    /// <summary>Steps per epoch, the same on every rank.</summary>
    public int BatchCount => _globalBatches;

    /// <summary>Examples in one global batch of <paramref name="globalBatchIndex"/>; used to weight this rank's gradient.</summary>
    public int GlobalBatchCount(int globalBatchIndex) => Math.Min(_globalBatch, _inner.Count - globalBatchIndex * _globalBatch);

    /// <summary>Examples of the whole data set trained on per epoch (all ranks together).</summary>
    public int GlobalCount => _globalBatches == 0 ? 0 : (_globalBatches - 1) * _globalBatch + GlobalBatchCount(_globalBatches - 1);

    public int Count => _positions.Length;

    public Shape InputShape => _inner.InputShape;

    public IReadOnlyList<string> ClassNames => _inner.ClassNames;

    /// <summary>The part of a global batch of <paramref name="m"/> examples that rank <paramref name="rank"/> reads: (start, count).</summary>
    public static (int Start, int Count) Part(int m, int rank, int size)
    {
        int start = (int)((long)rank * m / size);
        int end = (int)((long)(rank + 1) * m / size);
        return (start, end - start);
    }

    public void SetEpoch(int epoch)
    {
        _order = _global.OrderFor(epoch);
        if (_inner is IEpochAware aware) aware.SetEpoch(epoch);
    }

    public Batch GetBatch(ReadOnlySpan<int> indices) => GetBatch(indices, null);

    public Batch GetBatch(ReadOnlySpan<int> indices, Batch? reuse)
    {
        // Small per-batch array: local indices mapped through this rank's positions and the epoch's global order.
        var mapped = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++) mapped[i] = _order[_positions[indices[i]]];
        return _inner.GetBatch(mapped, reuse);
    }
}
