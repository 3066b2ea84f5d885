using System.Runtime.CompilerServices;

namespace Lepton.Engine.Kernels;

public static partial class Gemm
{
    // Packs op(A)[i0..i0+mc, p0..p0+kc] into micro-panels of mr rows: panel r holds, for each p, the
    // mr values op(A)[i0 + r*mr + 0..mr, p0 + p] side by side. Rows past mc are zero, so edge tiles
    // run the full kernel and only their store is trimmed.
    private static unsafe void PackA(in SgemmOperands g, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        for (int r = 0; r < mc; r += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - r);
            if (g.TransA)
            {
                // op(A)[i, p] = A[p, i]: each step of p reads `rows` contiguous values.
                float* src = g.A + (long)p0 * g.Lda + i0 + r;
                for (int p = 0; p < kc; p++, src += g.Lda)
                {
                    float* d = dst + p * mr;
                    if (rows == mr) CopyRow(src, d, mr);
                    else
                    {
                        int i = 0;
                        for (; i < rows; i++) d[i] = src[i];
                        for (; i < mr; i++) d[i] = 0f;
                    }
                }
            }
            else
            {
                TransposeRows(g.A + (long)(i0 + r) * g.Lda + p0, g.Lda, rows, kc, dst, mr);
                for (int i = rows; i < mr; i++)
                    for (int p = 0; p < kc; p++) dst[p * mr + i] = 0f;
            }
        }
    }

    // Packs op(B)[p0..p0+kc, j0..j0+nc] into micro-panels of nr columns: panel s holds, for each p,
    // op(B)[p0 + p, j0 + s*nr + 0..nr]. Columns past nc are zero.
    private static unsafe void PackB(in SgemmOperands g, int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        for (int s = 0; s < nc; s += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - s);
            if (g.TransB)
            {
                // op(B)[p, j] = B[j, p]: a transpose of `cols` stored rows of B.
                TransposeRows(g.B + (long)(j0 + s) * g.Ldb + p0, g.Ldb, cols, kc, dst, nr);
                for (int j = cols; j < nr; j++)
                    for (int p = 0; p < kc; p++) dst[p * nr + j] = 0f;
            }
            else
            {
                float* src = g.B + (long)p0 * g.Ldb + j0 + s;
                for (int p = 0; p < kc; p++, src += g.Ldb)
                {
                    float* d = dst + p * nr;
                    if (cols == nr) CopyRow(src, d, nr);
                    else
                    {
                        int j = 0;
                        for (; j < cols; j++) d[j] = src[j];
                        for (; j < nr; j++) d[j] = 0f;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyRow(float* src, float* dst, int count) =>
        Unsafe.CopyBlockUnaligned(dst, src, (uint)count * sizeof(float));
}
