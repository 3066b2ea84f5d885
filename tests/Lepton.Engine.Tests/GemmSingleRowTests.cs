using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>
/// A row of op(A) multiplied alone (M = 1, the one-example forward; AVX-512 runs it on a single-row kernel) gives the same
/// bits as that row inside a batch, and agrees with the reference: serving's batched == unbatched rests on this.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class GemmSingleRowTests
{
    public static TheoryData<GemmKernelKind, int> KindsAndThreads =>
        new() { { GemmKernelKind.Auto, 1 }, { GemmKernelKind.Auto, 2 }, { GemmKernelKind.Avx512, 1 }, { GemmKernelKind.Avx2, 1 }, { GemmKernelKind.Scalar, 1 } };

    // (n, k): the reference CNN's fc1 (128, 3136: 13 K blocks) and fc2 (10, 128), the MLP's first layer (256, 784), and
    // widths around the four-panel group (127, 129, 160) and one panel (1, 31, 33).
    private static readonly (int N, int K)[] Shapes =
        [(128, 3136), (10, 128), (256, 784), (127, 300), (129, 257), (160, 40), (1, 7), (31, 513), (33, 9)];

    [Theory]
    [MemberData(nameof(KindsAndThreads))]
    public void RowAloneEqualsRowInBatchBitForBit(GemmKernelKind kind, int threads)
    {
        if (!Gemm.IsSupported(kind)) return;
        int seed = 0;
        foreach (var (n, k) in Shapes)
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        foreach (float beta in new[] { 0f, 1f })
            CheckRows(kind, threads, m: 9, n, k, transA, transB, beta, ++seed);
    }

    private static void CheckRows(GemmKernelKind kind, int threads, int m, int n, int k, bool transA, bool transB, float beta, int seed)
    {
        var rng = new Random(seed);
        var a = RandomArray(rng, m * k);
        var b = RandomArray(rng, n * k);
        var c0 = RandomArray(rng, m * n);
        int lda = transA ? m : k, ldb = transB ? k : n;
        var batched = (float[])c0.Clone();
        Run(kind, threads, () => Gemm.Sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, beta, batched, 0, n));
        var reference = (float[])c0.Clone();
        Gemm.Reference<float>(transA, transB, m, n, k, 1f, a, lda, b, ldb, beta, reference, n);

        for (int i = 0; i < m; i++)
        {
            // Row i of op(A) on its own, stored row-major (1, k) whatever transA says.
            var row = new float[k];
            for (int p = 0; p < k; p++) row[p] = transA ? a[p * m + i] : a[i * k + p];
            var alone = c0.AsSpan(i * n, n).ToArray();
            Run(kind, threads, () => Gemm.Sgemm(false, transB, 1, n, k, 1f, row, 0, k, b, 0, ldb, beta, alone, 0, n));
            for (int j = 0; j < n; j++)
            {
                float inBatch = batched[i * n + j], single = alone[j], expected = reference[i * n + j];
                Assert.True(BitConverter.SingleToInt32Bits(inBatch) == BitConverter.SingleToInt32Bits(single),
                    $"{kind}, {threads} threads, (1 of {m}) x {n} x {k}, transA {transA}, transB {transB}, beta {beta}: row {i} col {j}: alone {single} vs in batch {inBatch}");
                Assert.True(Math.Abs(single - expected) <= 1e-5f * k * Math.Max(1f, Math.Abs(expected)),
                    $"{kind}, 1 x {n} x {k}, transB {transB}: col {j}: {single} vs reference {expected}");
            }
        }
    }

    private static void Run(GemmKernelKind kind, int threads, Action gemm)
    {
        var (savedKind, savedThreads) = (Gemm.KernelOverride, CpuParallel.ThreadCount);
        Gemm.KernelOverride = kind;
        CpuParallel.ThreadCount = threads;
        try { gemm(); }
        finally
        {
            Gemm.KernelOverride = savedKind;
            CpuParallel.ThreadCount = savedThreads;
        }
    }

    private static float[] RandomArray(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
