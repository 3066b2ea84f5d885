using System.Diagnostics;
using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Bench;

/// <summary>Quick SGEMM throughput table without BenchmarkDotNet: warm-up, then the median of several timed runs.</summary>
public static class GemmQuick
{
    /// <summary>The square sizes the table reports.</summary>
    public static readonly int[] Sizes = [256, 512, 1024, 2048];

    /// <summary>Prints GFLOP/s per size for 1 and 2 threads; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int[] threadCounts = [1, 2];
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : Sizes;
        Console.WriteLine($"SGEMM C = A·B (row-major, square), kernel {Gemm.DefaultKernel}, median of timed runs");
        Console.WriteLine($"{"size",6} {"threads",8} {"GFLOP/s",9} {"median ms",10} {"best GFLOP/s",13}");
        int saved = CpuParallel.ThreadCount;
        try
        {
            // Let tiered JIT finish recompiling on the second core before anything is timed.
            foreach (int t in threadCounts)
            {
                CpuParallel.ThreadCount = t;
                Measure(256, 256, 256, transA: false, transB: false);
            }
            foreach (int n in sizes)
            foreach (int t in threadCounts)
            {
                CpuParallel.ThreadCount = t;
                var (median, best) = Measure(n, n, n, transA: false, transB: false);
                double flop = 2.0 * n * n * n;
                Console.WriteLine($"{n,6} {t,8} {flop / median / 1e9,9:F1} {median * 1e3,10:F3} {flop / best / 1e9,13:F1}");
            }
        }
        finally { CpuParallel.ThreadCount = saved; }
        return 0;
    }

    /// <summary>Median and best seconds per call of one SGEMM shape.</summary>
    public static (double Median, double Best) Measure(int m, int n, int k, bool transA, bool transB)
    {
        var rng = new Random(42);
        var a = RandomArray(rng, m * k);
        var b = RandomArray(rng, k * n);
        var c = new float[m * n];
        int lda = transA ? m : k, ldb = transB ? k : n;
        void Call() => Gemm.Sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);

        double flop = 2.0 * m * n * k;
        // Enough calls per sample for ~50 ms, so timer noise and thread wake-up stay small.
        int reps = (int)Math.Clamp(5e9 / Math.Max(flop, 1), 1, 100_000);
        for (int i = 0; i < Math.Max(3, reps / 4); i++) Call();
        var samples = new double[9];
        for (int s = 0; s < samples.Length; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++) Call();
            samples[s] = Stopwatch.GetElapsedTime(t0).TotalSeconds / reps;
        }
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[0]);
    }

    private static float[] RandomArray(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
