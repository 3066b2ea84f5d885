using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lepton.Engine.Kernels;

public static partial class Gemm
{
    // The operands of one SGEMM call, as pinned pointers already moved to their offsets.
    private readonly unsafe struct SgemmOperands(bool transA, bool transB, int k, float alpha, float beta,
        float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        public readonly bool TransA = transA, TransB = transB;
        public readonly int K = k, Lda = lda, Ldb = ldb, Ldc = ldc;
        public readonly float Alpha = alpha, Beta = beta;
        public readonly float* A = a, B = b, C = c;
    }

    // Packing buffers, one pair per thread, grown on demand and then reused: steady state allocates nothing.
    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;

    // C[m0..m1, n0..n1] of the product, blocked for the caches (GotoBLAS/BLIS loop nest):
    //   ic: MC rows of op(A) → pc: KC deep, pack A block → jc: NC columns, pack B block (L2)
    //     → ir: one A micro-panel (L1) → jr: one B micro-panel streamed from L2 → micro-kernel.
    // K is blocked identically for every split of M and N, so results do not depend on the thread count.
    // With prepackedB (a PackedGemmB's data, paddedN wide per K block) the B blocks are read where they lie.
    [SkipLocalsInit] // the edge tile is always written before it is read
    private static unsafe void Blocked<TK>(in SgemmOperands g, int m0, int m1, int n0, int n1, float* prepackedB = null, int paddedN = 0)
        where TK : IGemmMicroKernel
    {
        int mrT = TK.MR, nrT = TK.NR;
        float* packA = PackBuffer(ref t_packA, TK.MC * TK.KC);
        float* packB = PackBuffer(ref t_packB, TK.KC * TK.NC);
        float* edge = stackalloc float[mrT * nrT];
        // Equal blocks rather than full ones and a sliver: K = 288 runs as 2 x 144, not 256 + 32.
        int mcStep = RoundUp(EvenBlock(m1 - m0, TK.MC), mrT), kcStep = EvenBlock(g.K, TK.KC);
        for (int ic = m0; ic < m1; ic += mcStep)
        {
            int mc = Math.Min(mcStep, m1 - ic);
            for (int pc = 0; pc < g.K; pc += kcStep)
            {
                int kc = Math.Min(kcStep, g.K - pc);
                // Later K blocks accumulate onto what the first one wrote.
                float beta = pc == 0 ? g.Beta : 1f;
                // One row goes to SingleRow, which reads op(A)'s row where it lies: packing it would write kc x MR floats
                // (mostly the zero rows of the panel) to read kc of them, a third of a batch-1 Linear layer's time.
                bool rowInPlace = mc == 1 && UseSingleRow<TK>(1);
                if (!rowInPlace) PackA(g, ic, pc, mc, kc, mrT, packA);
                for (int jc = n0; jc < n1; jc += TK.NC)
                {
                    int nc = Math.Min(TK.NC, n1 - jc);
                    if (prepackedB is null) PackB(g, pc, jc, kc, nc, nrT, packB);
                    else packB = prepackedB + (long)pc * paddedN + (long)jc * kc;
                    for (int ir = 0; ir < mc; ir += mrT)
                    {
                        int mr = Math.Min(mrT, mc - ir);
                        float* aPanel = packA + ir * kc;
                        float* cRow = g.C + (long)(ic + ir) * g.Ldc + jc;
                        if (rowInPlace)
                        {
                            // op(A)[ic, pc + p]: A[ic, pc + p] (stride 1) or, transposed, A[pc + p, ic] (stride lda).
                            float* row = g.TransA ? g.A + (long)pc * g.Lda + ic : g.A + (long)ic * g.Lda + pc;
                            SingleRow<TK>(kc, row, g.TransA ? g.Lda : 1, packB, nc, cRow, g.Alpha, beta);
                            continue;
                        }
                        if (UseSingleRow<TK>(mr))
                        {
                            SingleRow<TK>(kc, aPanel, mrT, packB, nc, cRow, g.Alpha, beta);
                            continue;
                        }
                        for (int jr = 0; jr < nc; jr += nrT)
                        {
                            int nr = Math.Min(nrT, nc - jr);
                            float* bPanel = packB + jr * kc;
                            if (mr == mrT && nr == nrT)
                                TK.Run(kc, aPanel, bPanel, cRow + jr, g.Ldc, g.Alpha, beta);
                            else
                            {
                                TK.Run(kc, aPanel, bPanel, edge, nrT, g.Alpha, 0f);
                                MergeEdge(edge, nrT, cRow + jr, g.Ldc, mr, nr, beta);
                            }
                        }
                    }
                }
            }
        }
    }

    // The size of each of the fewest equal blocks of at most `max` that cover `extent`.
    private static int EvenBlock(int extent, int max)
    {
        int blocks = (extent + max - 1) / max;
        return (extent + blocks - 1) / blocks;
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    // Writes the valid mr x nr corner of a full tile computed off to the side: C = tile + beta * C.
    private static unsafe void MergeEdge(float* tile, int ldt, float* c, int ldc, int mr, int nr, float beta)
    {
        for (int i = 0; i < mr; i++, tile += ldt, c += ldc)
        {
            if (beta == 0)
                for (int j = 0; j < nr; j++) c[j] = tile[j];
            else
                for (int j = 0; j < nr; j++) c[j] = tile[j] + beta * c[j];
        }
    }

    // A 64-byte aligned pointer into a pinned per-thread array of at least `floats` elements.
    private static unsafe float* PackBuffer(ref float[]? buffer, int floats)
    {
        const int AlignFloats = 16;
        if (buffer is null || buffer.Length < floats + AlignFloats)
            buffer = GC.AllocateUninitializedArray<float>(floats + AlignFloats, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }
}
