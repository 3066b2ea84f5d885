using Lepton.Data;
using Lepton.Engine;
using Lepton.Training.Distributed;

namespace Lepton.Training.Tests.Distributed;

public sealed class RankShardTests
{
    // Inputs hold each example's own index, so a batch says which examples it gathered.
    private static InMemoryDataset Indexed(int count) =>
        new(Tensor.FromArray(Enumerable.Range(0, count).Select(i => (float)i).ToArray(), count, 1), Tensor.FromArray(new int[count], count));

    private static List<int[]> Batches(IDataset data, int batch, bool shuffle, ulong seed, int epoch)
    {
        using var loader = new DataLoader(data, new DataLoaderOptions(batch, shuffle, seed, Prefetch: 0));
        loader.SetEpoch(epoch);
        return loader.Select(b => b.Inputs.ToArray().Select(v => (int)v).ToArray()).ToList();
    }

    [Theory]
    [InlineData(23, 6, 3, true)]
    [InlineData(23, 6, 2, true)]
    [InlineData(64, 8, 4, false)]
    [InlineData(150, 16, 4, true)]
    public void RankShard_EachEpoch_RanksTogetherReadEachGlobalBatchInOrder(int count, int batch, int ranks, bool shuffle)
    {
        var data = Indexed(count);
        var shards = Enumerable.Range(0, ranks).Select(r => new RankShard(data, batch, 5, shuffle, dropLast: false, r, ranks)).ToArray();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var global = Batches(data, batch, shuffle, 5, epoch);
            var local = shards.Select(s => Batches(s, s.LocalBatchSize, false, 0, epoch)).ToArray();
            foreach (var l in local) Assert.Equal(global.Count, l.Count);
            for (int b = 0; b < global.Count; b++)
                Assert.Equal(global[b], local.SelectMany(l => l[b]).ToArray());
        }
        Assert.Equal(count, shards[0].GlobalCount);
    }

    [Fact]
    public void RankShard_LastBatchSmallerThanRanks_IsDroppedOnEveryRank()
    {
        // 20 = 3 x 6 + 2: two examples cannot feed three ranks.
        var shards = Enumerable.Range(0, 3).Select(r => new RankShard(Indexed(20), 6, 0, true, false, r, 3)).ToArray();
        Assert.All(shards, s => Assert.Equal(3, s.BatchCount));
        Assert.All(shards, s => Assert.Equal(6, s.Count));
        Assert.Equal(18, shards[0].GlobalCount);
    }

    [Theory]
    [InlineData(10, 0, 3, 0, 3)]
    [InlineData(10, 1, 3, 3, 3)]
    [InlineData(10, 2, 3, 6, 4)]
    [InlineData(6, 3, 4, 4, 2)]
    public void Part_SplitsABatchIntoNearEqualContiguousParts(int m, int rank, int size, int start, int length) =>
        Assert.Equal((start, length), RankShard.Part(m, rank, size));

    [Fact]
    public void RankShard_BatchNotMultipleOfRanks_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RankShard(Indexed(10), 5, 0, true, false, 0, 2));
        Assert.Contains("multiple of the 2 ranks", ex.Message);
    }
}
