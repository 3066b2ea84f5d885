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
    private const int SingleRowNr = 32;

    private static bool UseSingleRow<TK>(int mr) where TK : IGemmMicroKernel =>
        mr == 1 && typeof(TK) == typeof(Avx512GemmKernel) && TK.NR == SingleRowNr;

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
