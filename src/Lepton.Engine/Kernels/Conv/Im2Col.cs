using System.Numerics;
using System.Runtime.InteropServices;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Unfolds convolution windows into a matrix so a convolution becomes one GEMM, and folds such a
/// matrix back (col2im, summing overlaps) for the input gradient.
/// Layout of col: rows (c, ki, kj) = C*KH*KW, columns (n, oh, ow) = nb*OH*OW for samples n0..n0+nb.
/// </summary>
internal static class Im2Col
{
    // x: dense (N,C,H,W) at xOffset → col (C*KH*KW, nb*OH*OW).
    public static void Unfold<T>(T[] x, int xOffset, ConvGeometry g, int n0, int nb, T[] col)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = UnfoldJob<T>.Current ??= new UnfoldJob<T>();
        (job.X, job.XOffset, job.G, job.N0, job.Nb, job.Col) = (x, xOffset, g, n0, nb, col);
        try
        {
            CpuParallel.For(g.C * g.KH * g.KW, nb * g.OH * g.OW, job.Body);
        }
        finally
        {
            (job.X, job.Col) = (null!, null!); // drop the call's arrays
        }
    }

    // Unfold's loop over rows of col with the call's arguments in fields: one per thread and element type, reused call
    // after call, so a training step allocates no closure here.
    private sealed class UnfoldJob<T> : SplitJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] public static UnfoldJob<T>? Current;
        public T[] X = null!, Col = null!;
        public int XOffset, N0, Nb;
        public ConvGeometry G;

        protected override void Run(int r0, int r1) => UnfoldRows(X, XOffset, G, N0, Nb, Col, r0, r1);
    }

    private static void UnfoldRows<T>(T[] x, int xOffset, ConvGeometry g, int n0, int nb, T[] col, int r0, int r1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cols = nb * g.OH * g.OW;
        for (int r = r0; r < r1; r++)
        {
            int kj = r % g.KW, ki = r / g.KW % g.KH, c = r / (g.KW * g.KH);
            var (lo, hi) = g.ValidColumns(kj);
            int colOff = kj * g.DW - g.PW;
            var row = col.AsSpan(r * cols, cols);
            for (int n = 0; n < nb; n++)
            {
                int plane = xOffset + ((n0 + n) * g.C + c) * g.H * g.W;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    var dst = row.Slice((n * g.OH + oh) * g.OW, g.OW);
                    int ih = oh * g.SH - g.PH + ki * g.DH;
                    if ((uint)ih >= (uint)g.H || lo >= hi)
                    {
                        dst.Clear();
                        continue;
                    }
                    dst[..lo].Clear();
                    dst[hi..].Clear();
                    int src = plane + ih * g.W + lo * g.SW + colOff;
                    if (g.SW == 1) x.AsSpan(src, hi - lo).CopyTo(dst[lo..hi]);
                    else if (g.SW == 2 && typeof(T) == typeof(float))
                        StridedRows.GatherEven(((float[])(object)x).AsSpan(src, 2 * (hi - lo) - 1),
                            MemoryMarshal.Cast<T, float>(dst[lo..hi]));
                    else for (int ow = lo; ow < hi; ow++, src += g.SW) dst[ow] = x[src];
                }
            }
        }
    }

    // col (C*KH*KW, nb*OH*OW) → dx dense (N,C,H,W) at dxOffset, added to what dx holds.
    // Parallel over (n, c) planes of dx, so no two threads write the same element.
    public static void Fold<T>(T[] col, ConvGeometry g, int n0, int nb, T[] dx, int dxOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = FoldJob<T>.Current ??= new FoldJob<T>();
        (job.Col, job.G, job.N0, job.Nb, job.Dx, job.DxOffset) = (col, g, n0, nb, dx, dxOffset);
        try
        {
            CpuParallel.For(nb * g.C, (long)g.KH * g.KW * g.OH * g.OW, job.Body);
        }
        finally
        {
            (job.Col, job.Dx) = (null!, null!);
        }
    }

    // Fold's loop over (n, c) planes, as UnfoldJob is Unfold's.
    private sealed class FoldJob<T> : SplitJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] public static FoldJob<T>? Current;
        public T[] Col = null!, Dx = null!;
        public int N0, Nb, DxOffset;
        public ConvGeometry G;

        protected override void Run(int p0, int p1) => FoldPlanes(Col, G, N0, Nb, Dx, DxOffset, p0, p1);
    }

    private static void FoldPlanes<T>(T[] col, ConvGeometry g, int n0, int nb, T[] dx, int dxOffset, int p0, int p1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ohw = g.OH * g.OW, cols = nb * ohw;
        for (int p = p0; p < p1; p++)
        {
            int n = p / g.C, c = p % g.C;
            int plane = dxOffset + ((n0 + n) * g.C + c) * g.H * g.W;
            for (int ki = 0; ki < g.KH; ki++)
            for (int kj = 0; kj < g.KW; kj++)
            {
                var (lo, hi) = g.ValidColumns(kj);
                if (lo >= hi) continue;
                int colOff = kj * g.DW - g.PW;
                int rowBase = ((c * g.KH + ki) * g.KW + kj) * cols + n * ohw;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int ih = oh * g.SH - g.PH + ki * g.DH;
                    if ((uint)ih >= (uint)g.H) continue;
                    int src = rowBase + oh * g.OW;
                    int dst = plane + ih * g.W + colOff;
                    if (g.SW == 1) VectorMath.AddTo<T>(col.AsSpan(src + lo, hi - lo), dx.AsSpan(dst + lo, hi - lo));
                    else if (g.SW == 2 && typeof(T) == typeof(float))
                        StridedRows.ScatterAddEven(((float[])(object)col).AsSpan(src + lo, hi - lo),
                            ((float[])(object)dx).AsSpan(dst + lo * 2, 2 * (hi - lo) - 1));
                    else for (int ow = lo; ow < hi; ow++) dx[dst + ow * g.SW] += col[src + ow];
                }
            }
        }
    }
}
