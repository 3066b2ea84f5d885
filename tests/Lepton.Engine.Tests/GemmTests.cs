using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>The packed SGEMM (every micro-kernel, 1 and 2 threads) against the plain reference triple loop.</summary>
[Collection(ThreadCountCollection.Name)]
public class GemmTests
{
    public static TheoryData<GemmKernelKind> Kinds =>
        new(GemmKernelKind.Auto, GemmKernelKind.Avx512, GemmKernelKind.Avx2, GemmKernelKind.Scalar);

    // (m, n, k): tiny, primes, and both sides of every tile and block edge (MR 4/6/8, NR 4/16/32,
    // KC 256, NC 512, MC 512/768/1024).
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 1, 7), (1, 40, 3), (40, 1, 3), (2, 3, 4), (7, 13, 17), (31, 37, 41),
        (3, 5, 9), (4, 4, 4), (5, 17, 2), (6, 16, 8), (7, 15, 5), (8, 32, 11), (9, 33, 12),
        (12, 48, 3), (13, 49, 6), (15, 31, 1), (16, 64, 10), (17, 65, 19), (24, 96, 255),
        (25, 97, 256), (11, 30, 257), (9, 33, 513), (9, 513, 7), (5, 1030, 3), (1025, 33, 5),
    ];

    private static readonly (float Alpha, float Beta)[] Scalings = [(1f, 0f), (0.5f, 0f), (1f, 1f), (-2f, 0.75f)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MatchesReferenceOnAllShapesAndTransposes(GemmKernelKind kind)
    {
        if (!Gemm.IsSupported(kind)) return;
        int i = 0;
        foreach (var (m, n, k) in Shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    var (alpha, beta) = Scalings[i++ % Scalings.Length];
                    Check(kind, threads: 1, ta, tb, m, n, k, alpha, beta, seed: i);
                }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void HonoursOffsetsAndLeadingDimensions(GemmKernelKind kind)
    {
        if (!Gemm.IsSupported(kind)) return;
        int seed = 100;
        foreach (var (m, n, k) in new[] { (9, 33, 17), (17, 40, 300), (33, 7, 5) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    Check(kind, threads: 1, ta, tb, m, n, k, 1.5f, 0.25f, seed++, aOffset: 3, bOffset: 5, cOffset: 7, ldPad: 6);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BetaZeroIgnoresNaNInC(GemmKernelKind kind)
    {
        if (!Gemm.IsSupported(kind)) return;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (8, 32, 16), (13, 45, 300), (70, 600, 9) })
            Check(kind, threads: 1, false, false, m, n, k, 1f, 0f, seed: m, nanInC: true);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SplitsAcrossTwoThreads(GemmKernelKind kind)
    {
        if (!Gemm.IsSupported(kind)) return;
        // Each at least 2 x 2^18 multiply-adds, so it is split: wide (along N), tall (along M), and the
        // CNN's im2col shapes scaled down.
        var shapes = new[] { (64, 288, 40, false, false), (100, 70, 90, false, true), (33, 1000, 20, true, false),
            (32, 3000, 9, false, false), (64, 72, 300, false, true), (72, 300, 64, true, false), (131, 67, 61, true, true) };
        int seed = 200;
        foreach (var (m, n, k, ta, tb) in shapes)
            foreach (int threads in new[] { 1, 2 })
                Check(kind, threads, ta, tb, m, n, k, 1f, threads == 1 ? 0f : 0.5f, seed++, ldPad: 3, nanInC: threads == 1);
    }

    [Fact]
    public void ResultDoesNotDependOnThreadCount()
    {
        var rng = new Random(7);
        var a = Random(rng, 200 * 300);
        var b = Random(rng, 300 * 500);
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            var c = new float[200 * 500];
            Gemm.Sgemm(false, false, 200, 500, 300, 1f, a, 0, 300, b, 0, 500, 0f, c, 0, 500);
            return c;
        });
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void KZeroOrAlphaZeroOnlyScalesC()
    {
        var c = new[] { 1f, 2f, float.NaN, 4f };
        Gemm.Sgemm(false, false, 2, 2, 0, 1f, [], 0, 1, [], 0, 2, 0.5f, c, 0, 2);
        Assert.Equal(new[] { 0.5f, 1f, float.NaN, 2f }, c);
        Gemm.Sgemm(false, false, 2, 2, 3, 0f, new float[6], 0, 3, new float[6], 0, 2, 0f, c, 0, 2);
        Assert.Equal(new float[4], c);
    }

    [Fact]
    public void SteadyStateCallAllocatesNothing()
    {
        var rng = new Random(3);
        var a = Random(rng, 64 * 256);
        var b = Random(rng, 256 * 96);
        var c = new float[64 * 96];
        WithThreads(1, () =>
        {
            void Call() => Gemm.Sgemm(false, true, 64, 96, 256, 1f, a, 0, 256, b, 0, 256, 0f, c, 0, 96);
            Call();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Call();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            return 0;
        });
    }

    [Fact]
    public void TooShortArraysAreRejectedWithTheOperandNamed()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, false, 4, 4, 4, 1f, new float[15], 0, 4, new float[16], 0, 4, 0f, new float[16], 0, 4));
        Assert.Contains("A stored 4x4", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, true, 4, 4, 4, 1f, new float[16], 0, 4, new float[16], 0, 3, 0f, new float[16], 0, 4));
        Assert.Contains("ldb=3", ex.Message);
    }

    private static void Check(GemmKernelKind kind, int threads, bool transA, bool transB, int m, int n, int k,
        float alpha, float beta, int seed, int aOffset = 0, int bOffset = 0, int cOffset = 0, int ldPad = 0, bool nanInC = false)
    {
        var rng = new Random(seed);
        int lda = (transA ? m : k) + ldPad, ldb = (transB ? k : n) + ldPad, ldc = n + ldPad;
        // Padding past each row holds values too, so any read outside the operand shows in the result.
        var a = Random(rng, aOffset + (transA ? k : m) * lda);
        var b = Random(rng, bOffset + (transB ? n : k) * ldb);
        var c = Random(rng, cOffset + m * ldc + 4);
        if (nanInC)
            for (int i = 0; i < m; i++) c.AsSpan(cOffset + i * ldc, n).Fill(float.NaN);
        var expected = (float[])c.Clone();
        Gemm.Reference<float>(transA, transB, m, n, k, alpha, a.AsSpan(aOffset), lda, b.AsSpan(bOffset), ldb, beta,
            expected.AsSpan(cOffset), ldc);

        var saved = Gemm.KernelOverride;
        Gemm.KernelOverride = kind;
        try
        {
            WithThreads(threads, () =>
            {
                Gemm.Sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
                return 0;
            });
        }
        finally { Gemm.KernelOverride = saved; }

        float tol = 1e-5f * Math.Max(1, k);
        for (int i = 0; i < c.Length; i++)
        {
            float e = expected[i], g = c[i];
            bool ok = float.IsNaN(e) ? float.IsNaN(g) : Math.Abs(g - e) <= tol * Math.Max(1f, Math.Abs(e));
            if (!ok)
                Assert.Fail($"{kind} T={threads} transA={transA} transB={transB} m={m} n={n} k={k} alpha={alpha} beta={beta}: " +
                    $"element {i} (row {(i - cOffset) / ldc}, col {(i - cOffset) % ldc}) is {g}, reference {e}.");
        }
    }

    private static T WithThreads<T>(int threads, Func<T> body)
    {
        int saved = CpuParallel.ThreadCount;
        CpuParallel.ThreadCount = threads;
        try { return body(); }
        finally { CpuParallel.ThreadCount = saved; }
    }

    private static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
