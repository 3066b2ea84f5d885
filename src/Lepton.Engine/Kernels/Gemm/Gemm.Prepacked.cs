using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lepton.Engine.Kernels;

/// <summary>
/// op(B) (K x N) packed once into the micro-kernel's panels, for a matrix that many products reuse unchanged (the
/// weights of a model prepared for inference). Same panels and K blocks as a call that packs on the fly, so the
/// products are bit-identical to it.
/// </summary>
public sealed class PackedGemmB
{
    internal PackedGemmB(GemmKernelKind kind, int k, int n, int nr, float[] data) => (Kind, K, N, Nr, Data) = (kind, k, n, nr, data);

    public int K { get; }

    public int N { get; }

    internal GemmKernelKind Kind { get; }

    internal int Nr { get; }

    // Pinned (the kernels read it through pointers). K block pc starts at pc * PaddedN; within it, panel s (columns
    // s*Nr..) is kc x Nr at s * kc * Nr, exactly what PackB writes for a block that starts at column 0. The K blocks
    // are the ones Blocked cuts from K itself (EvenBlock(K, KC)), so none need storing here.
    internal float[] Data { get; }

    internal int PaddedN => (N + Nr - 1) / Nr * Nr;

    /// <summary>Bytes held by the packed copy.</summary>
    public long Bytes => (long)Data.Length * sizeof(float);
}

public static partial class Gemm
{
    /// <summary>Packs op(B) (K x N; B stored N x K when <paramref name="transB"/>) for <see cref="SgemmPacked"/>.</summary>
    public static unsafe PackedGemmB PackB(bool transB, int k, int n, float[] b, int bOffset, int ldb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        CheckOperand("B", b, bOffset, ldb, transB ? n : k, transB ? k : n, "ldb");
        return DefaultKernel switch
        {
            GemmKernelKind.Avx512 => PackB<Avx512GemmKernel>(GemmKernelKind.Avx512, transB, k, n, b, bOffset, ldb),
            GemmKernelKind.Avx2 => PackB<Avx2GemmKernel>(GemmKernelKind.Avx2, transB, k, n, b, bOffset, ldb),
            _ => PackB<ScalarGemmKernel>(GemmKernelKind.Scalar, transB, k, n, b, bOffset, ldb),
        };
    }

    private static unsafe PackedGemmB PackB<TK>(GemmKernelKind kind, bool transB, int k, int n, float[] b, int bOffset, int ldb)
        where TK : IGemmMicroKernel
    {
        int kcStep = EvenBlock(k, TK.KC);
        var packed = new PackedGemmB(kind, k, n, TK.NR, GC.AllocateUninitializedArray<float>(k * RoundUp(n, TK.NR), pinned: true));
        fixed (float* pb = b)
        {
            float* dst = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(packed.Data));
            var g = new SgemmOperands(false, transB, k, 1f, 0f, null, 0, pb + bOffset, ldb, null, 0);
            for (int pc = 0; pc < k; pc += kcStep)
                PackB(g, pc, 0, Math.Min(kcStep, k - pc), n, TK.NR, dst + (long)pc * packed.PaddedN);
        }
        return packed;
    }

    /// <summary>
    /// C = alpha * op(A) * B + beta * C with B from <see cref="PackB(bool, int, int, float[], int, int)"/>: the same
    /// result as <see cref="Sgemm"/> on the unpacked B, without packing it again.
    /// </summary>
    public static void SgemmPacked(bool transA, int m, float alpha, float[] a, int aOffset, int lda,
        PackedGemmB b, float beta, float[] c, int cOffset, int ldc) =>
        SgemmPacked(transA, m, alpha, a, aOffset, lda, b, beta, c, cOffset, ldc, splitAlways: false);

    /// <summary>
    /// <see cref="SgemmPacked(bool, int, float, float[], int, int, PackedGemmB, float, float[], int, int)"/>; with
    /// <paramref name="splitAlways"/> split across the threads whatever its size (see <see cref="Sgemm(bool, bool, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int, bool)"/>).
    /// Same bits either way.
    /// </summary>
    internal static void SgemmPacked(bool transA, int m, float alpha, float[] a, int aOffset, int lda,
        PackedGemmB b, float beta, float[] c, int cOffset, int ldc, bool splitAlways)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        int n = b.N, k = b.K;
        CheckOperand("C", c, cOffset, ldc, m, n, "ldc");
        if (m == 0) return;
        if (alpha == 0)
        {
            ScaleC(c, cOffset, ldc, m, n, beta);
            return;
        }
        CheckOperand("A", a, aOffset, lda, transA ? k : m, transA ? m : k, "lda");
        var kind = KernelOverride == GemmKernelKind.Auto ? DefaultKernel : KernelOverride;
        if (kind != b.Kind)
            throw new InvalidOperationException($"SgemmPacked: B was packed for the {b.Kind} micro-kernel but this call runs {kind}; pack it again.");
        var job = new SgemmJob(transA, false, m, n, k, alpha, a, aOffset, lda, b.Data, 0, 0, beta, c, cOffset, ldc) { Packed = b };
        switch (kind)
        {
            case GemmKernelKind.Avx512: Split<Avx512GemmKernel>(job, splitAlways); break;
            case GemmKernelKind.Avx2: Split<Avx2GemmKernel>(job, splitAlways); break;
            default: Split<ScalarGemmKernel>(job, splitAlways); break;
        }
    }
}
