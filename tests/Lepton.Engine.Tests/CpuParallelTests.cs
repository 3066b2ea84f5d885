using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>CpuParallel.For on its worker threads: coverage, fixed chunks, errors, nesting and concurrent callers.</summary>
[Collection(ThreadCountCollection.Name)]
public class CpuParallelTests
{
    private static void WithThreads(int threads, Action body)
    {
        int old = CpuParallel.ThreadCount;
        CpuParallel.ThreadCount = threads;
        try { body(); }
        finally { CpuParallel.ThreadCount = old; }
    }

    [Fact]
    public void EveryIndexRunsOnceInTheSameFixedChunks()
    {
        WithThreads(3, () =>
        {
            for (int round = 0; round < 200; round++)
            {
                var hits = new int[1000];
                var ranges = new System.Collections.Concurrent.ConcurrentBag<(int, int)>();
                CpuParallel.For(1000, 1_000, (lo, hi) =>
                {
                    ranges.Add((lo, hi));
                    for (int i = lo; i < hi; i++) Interlocked.Increment(ref hits[i]);
                });
                Assert.All(hits, h => Assert.Equal(1, h));
                // Other tests may change ThreadCount meanwhile; whatever the count, the cut is count*c/chunks.
                int chunks = ranges.Count;
                var expected = Enumerable.Range(0, chunks).Select(c => (1000 * c / chunks, 1000 * (c + 1) / chunks));
                Assert.Equal(expected, ranges.OrderBy(r => r.Item1));
            }
        });
    }

    [Fact]
    public void AnExceptionInAnyChunkReachesTheCallerAndTheWorkersStayUsable()
    {
        WithThreads(2, () =>
        {
            var ex = Assert.Throws<InvalidDataException>(() =>
                CpuParallel.For(100, 10_000, (lo, hi) => { if (lo > 0) throw new InvalidDataException("chunk " + lo); }));
            Assert.Equal("chunk 50", ex.Message);
            long sum = 0;
            CpuParallel.For(100, 10_000, (lo, hi) => Interlocked.Add(ref sum, hi - lo));
            Assert.Equal(100, sum);
        });
    }

    [Fact]
    public void NestedCallsRunOnTheChunksThread()
    {
        WithThreads(2, () =>
        {
            var nestedThreads = new System.Collections.Concurrent.ConcurrentBag<bool>();
            CpuParallel.For(2, 1_000_000, (lo, hi) =>
            {
                int outer = Environment.CurrentManagedThreadId;
                Assert.True(CpuParallel.InSplitBody);
                CpuParallel.For(4, 1_000_000, (a, b) => nestedThreads.Add(Environment.CurrentManagedThreadId == outer));
            });
            Assert.Equal(2, nestedThreads.Count);
            Assert.All(nestedThreads, Assert.True);
            Assert.False(CpuParallel.InSplitBody);
        });
    }

    [Fact]
    public void ConcurrentCallersAllGetCorrectResults()
    {
        WithThreads(2, () =>
        {
            var results = new long[8];
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
            {
                for (int round = 0; round < 100; round++)
                {
                    long sum = 0;
                    CpuParallel.For(10_000, 100, (lo, hi) =>
                    {
                        long s = 0;
                        for (int i = lo; i < hi; i++) s += i;
                        Interlocked.Add(ref sum, s);
                    });
                    results[k] += sum;
                }
            });
            Assert.All(results, r => Assert.Equal(100L * (9_999L * 10_000 / 2), r));
        });
    }

    [Fact]
    public void SplitRunsEveryPartOnceWhetherWorkersPollOrSleep()
    {
        WithThreads(3, () =>
        {
            for (int round = 0; round < 300; round++)
            {
                // Every tenth round the workers have gone to sleep (they poll for 50 µs); every third is woken first.
                if (round % 10 == 0) Thread.Sleep(2);
                if (round % 3 == 0) CpuParallel.Prewake();
                var hits = new int[3];
                CpuParallel.Split(3, (lo, hi) =>
                {
                    for (int p = lo; p < hi; p++) Interlocked.Increment(ref hits[p]);
                });
                Assert.Equal([1, 1, 1], hits);
            }
        });
    }
}
