using Lepton.Engine;

namespace Lepton.Data.Tests;

/// <summary>Several producers gather batches at once but deliver them in the order and with the contents of one.</summary>
public class DataLoaderWorkersTests
{
    [Theory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    [InlineData(4, true)]
    public void Workers_SeveralProducers_SameBatchesInSameOrderAsOne(int workers, bool recycle)
    {
        var data = TestData.Indexed(41);
        using var one = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 5, Prefetch: 1, RecycleBatches: recycle));
        using var many = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 5, Prefetch: 1, RecycleBatches: recycle, Workers: workers));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            // Read each batch as it comes: a recycled batch is valid until the next one.
            var expected = new List<(float[], int[])>();
            foreach (var b in one) expected.Add((b.Inputs.ToArray(), b.Targets.ToIntArray()));
            var actual = new List<(float[], int[])>();
            foreach (var b in many) actual.Add((b.Inputs.ToArray(), b.Targets.ToIntArray()));
            Assert.Equal(11, actual.Count);
            Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Item1));
            Assert.Equal(expected.Select(e => e.Item2), actual.Select(a => a.Item2));
        }
    }

    [Fact]
    public void Workers_SlowDataset_GathersBatchesConcurrently()
    {
        var slow = new SlowDataset(TestData.Indexed(64), TimeSpan.FromMilliseconds(40));
        using var loader = new DataLoader(slow, new DataLoaderOptions(BatchSize: 4, Seed: 1, Prefetch: 4, Workers: 3));
        Assert.Equal(16, loader.Count());
        Assert.True(slow.MaxConcurrent >= 2, $"expected batches gathered at once, at most {slow.MaxConcurrent} were");
        using var single = new DataLoader(slow = new SlowDataset(TestData.Indexed(16), TimeSpan.FromMilliseconds(10)), new DataLoaderOptions(BatchSize: 4, Prefetch: 4));
        Assert.Equal(4, single.Count());
        Assert.Equal(1, slow.MaxConcurrent);
    }

    [Fact]
    public void Workers_ProducerFails_EarlierBatchesArriveThenTheErrorSurfaces()
    {
        var failing = new FailingDataset(TestData.Indexed(40), failAtBatchStart: 20);
        using var loader = new DataLoader(failing, new DataLoaderOptions(BatchSize: 4, Shuffle: false, Prefetch: 2, Workers: 3));
        var seen = new List<int>();
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var b in loader) seen.Add(TestData.IndicesOf(b)[0]);
        });
        Assert.Contains("boom", error.Message);
        Assert.Equal([0, 4, 8, 12, 16], seen);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 3)]
    public void EpochAware_LoaderSetsTheEpochBeforeGathering(int prefetch, int workers)
    {
        var data = new EpochRecordingDataset(TestData.Indexed(12));
        using var loader = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Prefetch: prefetch, Workers: workers));
        foreach (var _ in loader) { }
        foreach (var _ in loader) { }
        loader.SetEpoch(7);
        foreach (var _ in loader) { }
        Assert.Equal([0, 0, 0, 1, 1, 1, 7, 7, 7], data.EpochsSeen.Order());
    }

    [Fact]
    public void Constructor_ZeroWorkers_IsAnErrorNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(TestData.Indexed(4), new DataLoaderOptions(Workers: 0)));
        Assert.Contains("Workers must be >= 1", error.Message);
    }

    private sealed class SlowDataset(IDataset inner, TimeSpan delay) : IDataset
    {
        private int _active, _max;
        public int MaxConcurrent => Volatile.Read(ref _max);
        public int Count => inner.Count;
        public Shape InputShape => inner.InputShape;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;

        public Batch GetBatch(ReadOnlySpan<int> indices)
        {
            int now = Interlocked.Increment(ref _active);
            for (int seen = Volatile.Read(ref _max); now > seen; seen = Volatile.Read(ref _max))
                if (Interlocked.CompareExchange(ref _max, now, seen) == seen) break;
            Thread.Sleep(delay);
            var batch = inner.GetBatch(indices);
            Interlocked.Decrement(ref _active);
            return batch;
        }
    }

    private sealed class FailingDataset(IDataset inner, int failAtBatchStart) : IDataset
    {
        public int Count => inner.Count;
        public Shape InputShape => inner.InputShape;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;

        public Batch GetBatch(ReadOnlySpan<int> indices)
        {
            if (indices[0] == failAtBatchStart) throw new InvalidOperationException($"boom at example {failAtBatchStart}");
            return inner.GetBatch(indices);
        }
    }

    private sealed class EpochRecordingDataset(IDataset inner) : IDataset, IEpochAware
    {
        private int _epoch = -1;
        public List<int> EpochsSeen { get; } = [];
        public int Count => inner.Count;
        public Shape InputShape => inner.InputShape;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;

        public void SetEpoch(int epoch) => Volatile.Write(ref _epoch, epoch);

        public Batch GetBatch(ReadOnlySpan<int> indices)
        {
            lock (EpochsSeen) EpochsSeen.Add(Volatile.Read(ref _epoch));
            return inner.GetBatch(indices);
        }
    }
}
