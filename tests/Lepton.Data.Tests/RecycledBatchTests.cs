namespace Lepton.Data.Tests;

/// <summary>
/// A loader with RecycleBatches hands out the same values in the same order as one without, refills the same tensors,
/// and allocates nothing per batch.
/// </summary>
public class RecycledBatchTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void RecycledBatchesHoldTheSameExamplesInTheSameOrder(int prefetch)
    {
        var data = TestData.Indexed(23);
        using var plain = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 3, Prefetch: prefetch));
        using var recycled = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 3, Prefetch: prefetch, RecycleBatches: true));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            // Values are read as each batch is taken: a recycled batch is valid until the next one.
            var expected = plain.Select(b => (TestData.IndicesOf(b), b.Targets.ToIntArray())).ToList();
            var actual = new List<(int[], int[])>();
            foreach (var b in recycled) actual.Add((TestData.IndicesOf(b), b.Targets.ToIntArray()));
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Item1, actual[i].Item1);
                Assert.Equal(expected[i].Item2, actual[i].Item2);
            }
        }
    }

    [Fact]
    public void TheSameTensorsAreRefilled()
    {
        var data = TestData.Indexed(16);
        using var loader = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 1, Prefetch: 0, RecycleBatches: true));
        var first = loader.Select(b => b.Inputs).ToList();
        var second = loader.Select(b => b.Inputs).ToList();
        Assert.All(first.Zip(second), p => Assert.Same(p.First, p.Second));
    }

    [Fact]
    public void AnEpochAllocatesNothingPerBatch()
    {
        var data = TestData.Indexed(4000);
        using var loader = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 1, Prefetch: 0, RecycleBatches: true));
        foreach (var _ in loader) { }
        // The fewest bytes of three epochs: the runtime's own one-off work (a method recompiled mid-epoch on a busy machine) lands
        // in one epoch, where a batch allocated per step would show in every one.
        long allocated = long.MaxValue;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int batches = 0;
            foreach (var _ in loader) batches++;
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(1000, batches);
        }
        // The epoch's permutation (16 KB) and its enumerator; 1,000 new batches would be well over 100 KB.
        Assert.InRange(allocated, 0, 16_000 + 2_000);
    }
}
