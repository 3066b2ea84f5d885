using System.Numerics;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Plain pooling loops, one output at a time with every window tap bounds-checked: the twin that
/// <see cref="Pool2dKernels"/> is tested against. Buffers dense from index 0.
/// </summary>
internal static class Pool2dReference
{
    public static void MaxForward<T>(ReadOnlySpan<T> x, PoolGeometry g, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < g.Planes; p++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
            y[(p * g.OH + oh) * g.OW + ow] = x[p * g.H * g.W + ArgMax(x, g, p, oh, ow)];
    }

    public static void MaxBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gy, PoolGeometry g, Span<T> gx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        gx.Clear();
        for (int p = 0; p < g.Planes; p++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
            gx[p * g.H * g.W + ArgMax(x, g, p, oh, ow)] += gy[(p * g.OH + oh) * g.OW + ow];
    }

    // Index h*W+w (within plane p) of the first strict maximum of the window; padding never wins.
    private static int ArgMax<T>(ReadOnlySpan<T> x, PoolGeometry g, int p, int oh, int ow) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T best = T.NegativeInfinity;
        int bi = -1;
        for (int ki = 0; ki < g.KH; ki++)
        for (int kj = 0; kj < g.KW; kj++)
        {
            int h = oh * g.SH - g.PH + ki, w = ow * g.SW - g.PW + kj;
            if (h < 0 || h >= g.H || w < 0 || w >= g.W) continue;
            T v = x[p * g.H * g.W + h * g.W + w];
            if (bi < 0 || v > best || T.IsNaN(v))
            {
                best = v;
                bi = h * g.W + w;
            }
        }
        return bi;
    }

    public static void AvgForward<T>(ReadOnlySpan<T> x, PoolGeometry g, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < g.Planes; p++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
        {
            T s = T.Zero;
            for (int ki = 0; ki < g.KH; ki++)
            for (int kj = 0; kj < g.KW; kj++)
            {
                int h = oh * g.SH - g.PH + ki, w = ow * g.SW - g.PW + kj;
                if (h >= 0 && h < g.H && w >= 0 && w < g.W) s += x[p * g.H * g.W + h * g.W + w];
            }
            y[(p * g.OH + oh) * g.OW + ow] = s / T.CreateTruncating(g.KH * g.KW);
        }
    }

    public static void AvgBackward<T>(ReadOnlySpan<T> gy, PoolGeometry g, Span<T> gx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        gx.Clear();
        for (int p = 0; p < g.Planes; p++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
        for (int ki = 0; ki < g.KH; ki++)
        for (int kj = 0; kj < g.KW; kj++)
        {
            int h = oh * g.SH - g.PH + ki, w = ow * g.SW - g.PW + kj;
            if (h >= 0 && h < g.H && w >= 0 && w < g.W)
                gx[p * g.H * g.W + h * g.W + w] += gy[(p * g.OH + oh) * g.OW + ow] / T.CreateTruncating(g.KH * g.KW);
        }
    }

    public static void AdaptiveAvgForward<T>(ReadOnlySpan<T> x, int planes, int h, int w, int oh, int ow, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            var (hs, he) = Bin(i, h, oh);
            var (ws, we) = Bin(j, w, ow);
            T s = T.Zero;
            for (int r = hs; r < he; r++)
            for (int c = ws; c < we; c++) s += x[(p * h + r) * w + c];
            y[(p * oh + i) * ow + j] = s / T.CreateTruncating((he - hs) * (we - ws));
        }
    }

    public static void AdaptiveAvgBackward<T>(ReadOnlySpan<T> gy, int planes, int h, int w, int oh, int ow, Span<T> gx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        gx.Clear();
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            var (hs, he) = Bin(i, h, oh);
            var (ws, we) = Bin(j, w, ow);
            for (int r = hs; r < he; r++)
            for (int c = ws; c < we; c++)
                gx[(p * h + r) * w + c] += gy[(p * oh + i) * ow + j] / T.CreateTruncating((he - hs) * (we - ws));
        }
    }

    private static (int start, int end) Bin(int i, int n, int outN) =>
        ((int)Math.Floor((double)i * n / outN), (int)Math.Ceiling((double)(i + 1) * n / outN));
}
