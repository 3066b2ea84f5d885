using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Lepton.Engine.Threading;

/// <summary>
/// Dedicated kernel threads for <see cref="CpuParallel.For"/>. The caller publishes one job (a body cut into fixed
/// chunks) and works on it too; idle workers spin briefly, then sleep. A hand-off costs a few hundred nanoseconds
/// when workers are warm, allocates nothing, and a chunk a sleeping worker has not picked up yet is done by the caller.
/// </summary>
internal static class CpuWorkers
{
    // How long an idle worker keeps polling before it sleeps: long enough to catch the next kernel of a training step
    // or a forward pass, short enough not to steal a shared core from request threads between batches.
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    private static readonly object Spawn = new();
    private static Worker[] _workers = [];
    private static int _busy;

    // The published job. Written by the caller before the release of _next, read by workers after claiming a chunk.
    private static Action<int, int>? _body;
    private static int _count, _chunks;
    private static int _next = int.MaxValue, _pending;
    private static long _generation;
    private static Exception? _error;

    [ThreadStatic] private static bool t_inChunk;

    /// <summary>True on a thread that is running a chunk (nested parallel calls then stay on it).</summary>
    internal static bool InChunk => t_inChunk;

    /// <summary>Runs body over [0, count) cut into <paramref name="chunks"/> fixed ranges; false when another job owns the workers.</summary>
    internal static bool TryRun(int count, int chunks, Action<int, int> body)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
        try
        {
            var workers = EnsureWorkers(chunks - 1);
            Volatile.Write(ref _lastJob, Stopwatch.GetTimestamp());
            _body = body;
            _count = count;
            _chunks = chunks;
            _error = null;
            _pending = chunks;
            Volatile.Write(ref _next, 0);
            Interlocked.Increment(ref _generation);
            for (int i = 0; i < Math.Min(workers.Length, chunks - 1); i++) workers[i].Wake();
            RunChunks();
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) > 0) spin.SpinOnce(sleep1Threshold: -1);
            var error = _error;
            _body = null;
            if (error is not null) ExceptionDispatchInfo.Capture(error).Throw();
            return true;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    // When the last job was handed out (Stopwatch ticks): a forward pass wakes the workers early only if its model splits.
    private static long _lastJob;
    private static readonly long RecentTicks = Stopwatch.Frequency; // 1 s

    /// <summary>
    /// Wakes up to <paramref name="count"/> sleeping workers (they poll for a job for the next spin window), if a job was
    /// handed out in the last second: a model too small to split never has them spin for nothing.
    /// </summary>
    internal static void Prewake(int count)
    {
        if (Stopwatch.GetTimestamp() - Volatile.Read(ref _lastJob) > RecentTicks) return;
        var workers = EnsureWorkers(count);
        for (int i = 0; i < Math.Min(workers.Length, count); i++) workers[i].Wake();
    }

    /// <summary>Runs chunks of the same cut one after another on this thread, for callers that found the workers busy.</summary>
    internal static void RunInline(int count, int chunks, Action<int, int> body)
    {
        for (int c = 0; c < chunks; c++) RunChunk(body, c, count, chunks);
    }

    private static void RunChunks()
    {
        while (true)
        {
            int c = Interlocked.Increment(ref _next) - 1;
            if (c >= _chunks) return;
            try { RunChunk(_body!, c, _count, _chunks); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
            finally { Interlocked.Decrement(ref _pending); }
        }
    }

    private static void RunChunk(Action<int, int> body, int c, int count, int chunks)
    {
        int start = (int)((long)count * c / chunks);
        int end = (int)((long)count * (c + 1) / chunks);
        if (end <= start) return;
        bool outer = t_inChunk;
        t_inChunk = true;
        try { body(start, end); }
        finally { t_inChunk = outer; }
    }

    private static Worker[] EnsureWorkers(int needed)
    {
        var workers = _workers;
        if (workers.Length >= needed) return workers;
        lock (Spawn)
        {
            if (_workers.Length < needed)
            {
                var grown = new Worker[needed];
                Array.Copy(_workers, grown, _workers.Length);
                for (int i = _workers.Length; i < needed; i++) grown[i] = new Worker(i);
                _workers = grown;
            }
            return _workers;
        }
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _signal = new(0);
        private int _sleeping;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"lepton-kernel-{index + 1}" };
            thread.Start();
        }

        public void Wake()
        {
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _signal.Release();
        }

        private void Loop()
        {
            long seen = Volatile.Read(ref _generation);
            while (true)
            {
                seen = WaitForJob(seen);
                RunChunks();
            }
        }

        private long WaitForJob(long seen)
        {
            long until = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                long g = Volatile.Read(ref _generation);
                if (g != seen) return g;
                if (Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                // Announce the sleep, then look once more: a job published in between either sees the flag (and
                // releases the semaphore) or is seen here.
                Volatile.Write(ref _sleeping, 1);
                g = Volatile.Read(ref _generation);
                if (g != seen && Interlocked.Exchange(ref _sleeping, 0) == 1) return g;
                _signal.Wait();
                until = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
