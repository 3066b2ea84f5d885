namespace Lepton.Engine.Threading;

/// <summary>
/// Splits work across cores. The thread count comes from <c>LEPTON_THREADS</c> (default: all cores)
/// and can be changed at run time; chunks are fixed by the count, so results do not depend on scheduling.
/// </summary>
public static class CpuParallel
{
    private static int _threads = ReadThreads();

    /// <summary>
    /// Whether the current thread is running one part of a split <see cref="For"/>: a kernel that is already one of
    /// the parallel parts (a convolution's chunk of samples) runs its inner kernels on its own thread instead of nesting hand-offs.
    /// </summary>
    public static bool InSplitBody => CpuWorkers.InChunk;

    public static int ThreadCount
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Thread count must be >= 1.");
    }

    private static int ReadThreads()
    {
        var env = Environment.GetEnvironmentVariable("LEPTON_THREADS");
        if (string.IsNullOrWhiteSpace(env)) return Environment.ProcessorCount;
        if (int.TryParse(env, out int n) && n >= 1) return n;
        throw new InvalidOperationException($"LEPTON_THREADS must be a positive integer, got '{env}'.");
    }

    /// <summary>
    /// Runs body(start, end) over [0, count) in at most ThreadCount contiguous chunks; stays on the
    /// calling thread when the work (count * costPerItem) is too small to pay for a hand-off.
    /// </summary>
    public static void For(int count, long costPerItem, Action<int, int> body)
    {
        if (count <= 0) return;
        int chunks = (int)Math.Min(ThreadCount, count);
        // 256K cost units (about 50-100 µs of elementwise work): below that a worker's wake-up is not paid back
        // (32K split the batch-1 CNN's im2col and cost latency; see Gemm.ParallelMinMacs).
        if (count * costPerItem < 262_144) chunks = 1;
        Run(count, chunks, body);
    }

    /// <summary>
    /// Runs body(start, end) over [0, parts) one part per thread whatever the size: for a kernel that measured its split to
    /// pay (a batch-1 layer of 10-30 µs, with workers woken by <see cref="Prewake"/>). A part no worker has picked up by
    /// the time the caller is done with its own runs on the caller, so a late worker costs time, never a wait.
    /// </summary>
    public static void Split(int parts, Action<int, int> body)
    {
        if (parts <= 0) return;
        Run(parts, Math.Min(ThreadCount, parts), body);
    }

    // body over [0, count) in `chunks` fixed chunks on the kernel threads, or whole on this thread when one chunk is asked
    // for or this thread is already one part of a split.
    private static void Run(int count, int chunks, Action<int, int> body)
    {
        if (chunks <= 1 || CpuWorkers.InChunk)
        {
            body(0, count);
            return;
        }
        if (!CpuWorkers.TryRun(count, chunks, body)) CpuWorkers.RunInline(count, chunks, body);
    }

    /// <summary>
    /// Wakes sleeping kernel threads so that they are polling when the next split arrives: a forward pass calls it before
    /// its first layer, and the microseconds a sleeping thread takes to wake overlap that layer instead of a later split.
    /// Does nothing unless work was split in the last second (a small model's forwards never wake them).
    /// </summary>
    public static void Prewake()
    {
        if (ThreadCount > 1 && !CpuWorkers.InChunk) CpuWorkers.Prewake(ThreadCount - 1);
    }
}
