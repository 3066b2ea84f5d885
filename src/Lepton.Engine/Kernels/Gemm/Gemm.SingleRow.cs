using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

public static partial class Gemm
{
    // A single row of op(A) against a packed B block (AVX-512, panels of 32 columns): the case of a one-example forward
    // (a Linear layer at batch 1). The 8-row micro-kernel would spend 7/8 of its multiply-adds on zero padding, so this
    // one computes only the row, two panels at a time for enough independent FMA chains.
    // Bit-for-bit the result of the 8-row kernel's edge path for that row: each output is the same FMA chain over p
    // starting from zero, scaled by alpha into a tile and merged into C by MergeEdge. So a row computed alone equals the
    // same row computed inside a batch, which serving relies on.
    private const int SingleRowNr = 32, SingleRowNr256 = 16;

    private static bool UseSingleRow<TK>(int mr) where TK : IGemmMicroKernel =>
        mr == 1 && ((typeof(TK) == typeof(Avx512GemmKernel) && TK.NR == SingleRowNr) || (typeof(TK) == typeof(Avx2GemmKernel) && TK.NR == SingleRowNr256));

    // The single-row kernel of TK's panels.
    private static unsafe void SingleRow<TK>(int kc, float* a, int aStride, float* packB, int nc, float* c, float alpha, float beta)
        where TK : IGemmMicroKernel
    {
        if (typeof(TK) == typeof(Avx2GemmKernel)) SingleRow256(kc, a, aStride, packB, nc, c, alpha, beta);
        else SingleRow(kc, a, aStride, packB, nc, c, alpha, beta);
    }

    // SingleRow for the AVX2 kernel's panels of 16 columns: the same FMA chains, scaling and merge as its 6-row kernel's
    // edge path, so the same bits as the row inside a batch.
    [SkipLocalsInit]
    private static unsafe void SingleRow256(int kc, float* a, int aStride, float* packB, int nc, float* c, float alpha, float beta)
    {
        float* tile = stackalloc float[2 * SingleRowNr256];
        int panelSize = kc * SingleRowNr256;
        var va = Vector256.Create(alpha);
        int jr = 0;
        for (; jr + 2 * SingleRowNr256 <= nc; jr += 2 * SingleRowNr256)
        {
            float* b = packB + (long)jr * kc;
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
            float* ap = a;
            for (int p = 0; p < kc; p++, ap += aStride, b += SingleRowNr256)
            {
                var av = Vector256.Create(*ap);
                c00 = Fma.MultiplyAdd(av, Vector256.Load(b), c00);
                c01 = Fma.MultiplyAdd(av, Vector256.Load(b + 8), c01);
                c10 = Fma.MultiplyAdd(av, Vector256.Load(b + panelSize), c10);
                c11 = Fma.MultiplyAdd(av, Vector256.Load(b + panelSize + 8), c11);
            }
            (c00 * va).Store(tile);
            (c01 * va).Store(tile + 8);
            (c10 * va).Store(tile + 16);
            (c11 * va).Store(tile + 24);
            MergeEdge(tile, 2 * SingleRowNr256, c + jr, 0, 1, 2 * SingleRowNr256, beta);
        }
        for (; jr < nc; jr += SingleRowNr256)
        {
            float* b = packB + (long)jr * kc;
            Vector256<float> c0 = default, c1 = default;
            float* ap = a;
            for (int p = 0; p < kc; p++, ap += aStride, b += SingleRowNr256)
            {
                var av = Vector256.Create(*ap);
                c0 = Fma.MultiplyAdd(av, Vector256.Load(b), c0);
                c1 = Fma.MultiplyAdd(av, Vector256.Load(b + 8), c1);
            }
            (c0 * va).Store(tile);
            (c1 * va).Store(tile + 8);
            MergeEdge(tile, SingleRowNr256, c + jr, 0, 1, Math.Min(SingleRowNr256, nc - jr), beta);
        }
    }

    // C[0, 0..nc] (+)= alpha * a · packB, with a read at stride aStride (the packed A panel's MR) and packB holding
    // ceil(nc / 32) zero-padded panels of kc x 32.
    [SkipLocalsInit]
    private static unsafe void SingleRow(int kc, float* a, int aStride, float* packB, int nc, float* c, float alpha, float beta)
    {
        float* tile = stackalloc float[2 * SingleRowNr];
        int panelSize = kc * SingleRowNr;
        int jr = 0;
        // Two panels (four FMA chains) at a time: the loop is bound by reading B, and four panels ran no faster (fc1 alone,
        // 3136 x 128: 18-19 µs on one core either way), while two also suit a thread's half of a 128-column layer.
        for (; jr + 2 * SingleRowNr <= nc; jr += 2 * SingleRowNr)
        {
            float* b = packB + (long)jr * kc;
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
            float* ap = a;
            for (int p = 0; p < kc; p++, ap += aStride, b += SingleRowNr)
            {
                var av = Vector512.Create(*ap);
                c00 = Avx512F.FusedMultiplyAdd(av, Vector512.Load(b), c00);
                c01 = Avx512F.FusedMultiplyAdd(av, Vector512.Load(b + 16), c01);
                c10 = Avx512F.FusedMultiplyAdd(av, Vector512.Load(b + panelSize), c10);
                c11 = Avx512F.FusedMultiplyAdd(av, Vector512.Load(b + panelSize + 16), c11);
            }
            var va = Vector512.Create(alpha);
            (c00 * va).Store(tile);
            (c01 * va).Store(tile + 16);
            (c10 * va).Store(tile + 32);
            (c11 * va).Store(tile + 48);
            MergeEdge(tile, 2 * SingleRowNr, c + jr, 0, 1, 2 * SingleRowNr, beta);
        }
        for (; jr < nc; jr += SingleRowNr)
        {
            float* b = packB + (long)jr * kc;
            Vector512<float> c0 = default, c1 = default;
            float* ap = a;
            for (int p = 0; p < kc; p++, ap += aStride, b += SingleRowNr)
            {
                var av = Vector512.Create(*ap);
                c0 = Avx512F.FusedMultiplyAdd(av, Vector512.Load(b), c0);
                c1 = Avx512F.FusedMultiplyAdd(av, Vector512.Load(b + 16), c1);
            }
            var va = Vector512.Create(alpha);
            (c0 * va).Store(tile);
            (c1 * va).Store(tile + 16);
            MergeEdge(tile, SingleRowNr, c + jr, 0, 1, Math.Min(SingleRowNr, nc - jr), beta);
        }
    }
}
