namespace Lepton.Tests.Shared;

/// <summary>Counts a thread's managed allocations over repeated calls (compiled into the test projects that check them).</summary>
public static class AllocationProbe
{
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
