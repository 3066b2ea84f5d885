using Lepton.Engine;

namespace Lepton.Data.Tests;

public class DataLoaderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void SameSeedGivesSameOrderAndEveryExampleOnce(int prefetch)
    {
        var data = TestData.Indexed(10);
        using var a = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 7, Prefetch: prefetch));
        using var b = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 7, Prefetch: prefetch));
        var orderA = a.SelectMany(TestData.IndicesOf).ToArray();
        var orderB = b.SelectMany(TestData.IndicesOf).ToArray();
        Assert.Equal(orderA, orderB);
        Assert.Equal(Enumerable.Range(0, 10), orderA.Order());
        Assert.NotEqual(Enumerable.Range(0, 10), orderA);
    }

    [Fact]
    public void EachEpochReshufflesAndSetEpochReplaysIt()
    {
        using var loader = new DataLoader(TestData.Indexed(32), new DataLoaderOptions(BatchSize: 8, Seed: 3));
        var epoch0 = loader.SelectMany(TestData.IndicesOf).ToArray();
        Assert.Equal(0, loader.Epoch);
        var epoch1 = loader.SelectMany(TestData.IndicesOf).ToArray();
        Assert.Equal(1, loader.Epoch);
        Assert.NotEqual(epoch0, epoch1);

        loader.SetEpoch(1);
        Assert.Equal(epoch1, loader.SelectMany(TestData.IndicesOf).ToArray());
        Assert.Equal(epoch0, loader.OrderFor(0));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentOrders()
    {
        var data = TestData.Indexed(32);
        using var a = new DataLoader(data, new DataLoaderOptions(Seed: 1));
        using var b = new DataLoader(data, new DataLoaderOptions(Seed: 2));
        Assert.NotEqual(a.OrderFor(0), b.OrderFor(0));
    }

    [Fact]
    public void WithoutShuffleBatchesFollowDatasetOrder()
    {
        using var loader = new DataLoader(TestData.Indexed(5), new DataLoaderOptions(BatchSize: 2, Shuffle: false));
        var batches = loader.ToList();
        Assert.Equal([[0, 1], [2, 3], [4]], batches.Select(TestData.IndicesOf));
        Assert.Equal(new Shape(2, 2, 3), batches[0].Inputs.Shape);
        Assert.Equal(DType.Int32, batches[0].Targets.DType);
        Assert.Equal(new[] { 2, 0 }, batches[1].Targets.ToIntArray());
    }

    [Theory]
    [InlineData(false, 3, 10)]
    [InlineData(true, 2, 8)]
    public void LastPartialBatchIsKeptUnlessDropLast(bool dropLast, int batches, int examples)
    {
        using var loader = new DataLoader(TestData.Indexed(10), new DataLoaderOptions(BatchSize: 4, DropLast: dropLast));
        Assert.Equal(batches, loader.BatchCount);
        var list = loader.ToList();
        Assert.Equal(batches, list.Count);
        Assert.Equal(examples, list.Sum(b => b.Count));
    }

    [Fact]
    public void EarlyBreakStopsTheProducerAndNextEpochStillWorks()
    {
        var data = new CountingDataset(TestData.Indexed(400));
        using var loader = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Prefetch: 2));
        foreach (var _ in loader) break;
        // One consumed, at most Prefetch queued plus one blocked in the write: the producer did not run ahead.
        Assert.InRange(data.Calls, 1, 4);
        Assert.Equal(100, loader.Count());
    }

    [Fact]
    public void PrefetchedExceptionSurfacesOnTheConsumer()
    {
        var data = new FailingDataset(TestData.Indexed(20), failAtCall: 3);
        using var loader = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Shuffle: false, Prefetch: 2));
        int seen = 0;
        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var _ in loader) seen++;
        });
        Assert.Equal("boom at call 3", ex.Message);
        Assert.Equal(2, seen);
    }

    [Fact]
    public void DisposedLoaderRefusesToEnumerate()
    {
        var loader = new DataLoader(TestData.Indexed(8), new DataLoaderOptions(BatchSize: 2));
        using (var e = loader.GetEnumerator()) Assert.True(e.MoveNext());
        loader.Dispose();
        loader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => loader.GetEnumerator());
    }

    [Fact]
    public void DisposeWhileEnumeratingStopsTheEpoch()
    {
        var loader = new DataLoader(TestData.Indexed(40), new DataLoaderOptions(BatchSize: 2, Prefetch: 1));
        using var e = loader.GetEnumerator();
        Assert.True(e.MoveNext());
        loader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => { while (e.MoveNext()) { } });
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var data = TestData.Indexed(4);
        Assert.Contains("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(data, new DataLoaderOptions(BatchSize: 0))).Message);
        Assert.Contains("Prefetch", Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(data, new DataLoaderOptions(Prefetch: -1))).Message);
    }

    private sealed class CountingDataset(IDataset inner) : IDataset
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);
        public int Count => inner.Count;
        public Shape InputShape => inner.InputShape;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;

        public Batch GetBatch(ReadOnlySpan<int> indices)
        {
            Interlocked.Increment(ref _calls);
            return inner.GetBatch(indices);
        }
    }

    private sealed class FailingDataset(IDataset inner, int failAtCall) : IDataset
    {
        private int _calls;
        public int Count => inner.Count;
        public Shape InputShape => inner.InputShape;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;

        public Batch GetBatch(ReadOnlySpan<int> indices)
        {
            if (Interlocked.Increment(ref _calls) == failAtCall) throw new InvalidOperationException($"boom at call {failAtCall}");
            return inner.GetBatch(indices);
        }
    }
}
