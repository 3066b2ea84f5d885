namespace Lepton.Training.Tests;

/// <summary>
/// Tests that count a thread's managed allocations run alone: kernels rent scratch from ArrayPool.Shared, and a test
/// renting the same sizes on another thread at the same time can leave the pool empty for them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation";

    /// <summary>
    /// The fewest bytes this thread allocated in any of <paramref name="windows"/> runs of <paramref name="steps"/> calls:
    /// a one-off runtime event (the JIT installing optimized code on a loaded machine) lands in one window, while an
    /// allocation per step shows in all of them.
    /// </summary>
    public static long FewestBytes(Action step, int steps = 20, int windows = 3)
    {
        long fewest = long.MaxValue;
        for (int w = 0; w < windows; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++) step();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
