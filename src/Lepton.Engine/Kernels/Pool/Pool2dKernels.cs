using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Fast max, average and adaptive-average pooling over dense (planes, H, W) buffers, forward and
/// backward, parallel over planes. Windows are clipped to the input once per row and column.
/// </summary>
internal static class Pool2dKernels
{
    /// <summary>Max pooling; padding acts as -inf. argmax receives, per output, the index h*W+w of the winner in its plane.</summary>
    public static void MaxForward<T>(T[] x, int xOffset, PoolGeometry g, T[] y, int[] argmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        CpuParallel.For(g.Planes, (long)ohw * g.KH * g.KW, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int plane = xOffset + p * hw, o = p * ohw;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int h0 = oh * g.SH - g.PH, hs = Math.Max(h0, 0), he = Math.Min(h0 + g.KH, g.H);
                    for (int ow = 0; ow < g.OW; ow++, o++)
                    {
                        int w0 = ow * g.SW - g.PW, ws = Math.Max(w0, 0), we = Math.Min(w0 + g.KW, g.W);
                        T best = T.NegativeInfinity;
                        int bi = hs * g.W + ws;
                        for (int h = hs; h < he; h++)
                        {
                            int row = plane + h * g.W;
                            for (int w = ws; w < we; w++)
                            {
                                T v = x[row + w];
                                // NaN propagates, as in PyTorch.
                                if (v > best || T.IsNaN(v))
                                {
                                    best = v;
                                    bi = h * g.W + w;
                                }
                            }
                        }
                        y[o] = best;
                        argmax[o] = bi;
                    }
                }
            }
        });
    }

    /// <summary>gx (zeroed) receives each output gradient at its recorded argmax.</summary>
    public static void MaxBackward<T>(T[] gy, int gyOffset, PoolGeometry g, int[] argmax, T[] gx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        CpuParallel.For(g.Planes, ohw, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int plane = p * hw, o = p * ohw;
                for (int i = 0; i < ohw; i++) gx[plane + argmax[o + i]] += gy[gyOffset + o + i];
            }
        });
    }

    /// <summary>Average pooling; zero padding counts in the divisor (KH*KW), PyTorch's count_include_pad=True.</summary>
    public static void AvgForward<T>(T[] x, int xOffset, PoolGeometry g, T[] y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        T inv = T.One / T.CreateTruncating(g.KH * g.KW);
        CpuParallel.For(g.Planes, (long)ohw * g.KH * g.KW, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int plane = xOffset + p * hw, o = p * ohw;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int h0 = oh * g.SH - g.PH, hs = Math.Max(h0, 0), he = Math.Min(h0 + g.KH, g.H);
                    for (int ow = 0; ow < g.OW; ow++, o++)
                    {
                        int w0 = ow * g.SW - g.PW, ws = Math.Max(w0, 0), we = Math.Min(w0 + g.KW, g.W);
                        T s = T.Zero;
                        for (int h = hs; h < he; h++)
                        {
                            int row = plane + h * g.W;
                            for (int w = ws; w < we; w++) s += x[row + w];
                        }
                        y[o] = s * inv;
                    }
                }
            }
        });
    }

    /// <summary>gx (zeroed) += gy / (KH*KW) over each window.</summary>
    public static void AvgBackward<T>(T[] gy, int gyOffset, PoolGeometry g, T[] gx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        T inv = T.One / T.CreateTruncating(g.KH * g.KW);
        CpuParallel.For(g.Planes, (long)ohw * g.KH * g.KW, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int plane = p * hw, o = gyOffset + p * ohw;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int h0 = oh * g.SH - g.PH, hs = Math.Max(h0, 0), he = Math.Min(h0 + g.KH, g.H);
                    for (int ow = 0; ow < g.OW; ow++, o++)
                    {
                        int w0 = ow * g.SW - g.PW, ws = Math.Max(w0, 0), we = Math.Min(w0 + g.KW, g.W);
                        T v = gy[o] * inv;
                        for (int h = hs; h < he; h++)
                        {
                            int row = plane + h * g.W;
                            for (int w = ws; w < we; w++) gx[row + w] += v;
                        }
                    }
                }
            }
        });
    }

    // PyTorch's adaptive bins: [floor(i*n/out), ceil((i+1)*n/out)).
    private static int BinStart(int i, int n, int outN) => i * n / outN;

    private static int BinEnd(int i, int n, int outN) => ((i + 1) * n + outN - 1) / outN;

    /// <summary>Adaptive average pooling of (planes, H, W) to (planes, OH, OW).</summary>
    public static void AdaptiveAvgForward<T>(T[] x, int xOffset, int planes, int h, int w, int oh, int ow, T[] y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (oh == 1 && ow == 1)
        {
            GlobalAvgForward(x, xOffset, planes, h * w, y);
            return;
        }
        CpuParallel.For(planes, (long)h * w, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int plane = xOffset + p * h * w, o = p * oh * ow;
                for (int i = 0; i < oh; i++)
                {
                    int hs = BinStart(i, h, oh), he = BinEnd(i, h, oh);
                    for (int j = 0; j < ow; j++, o++)
                    {
                        int ws = BinStart(j, w, ow), we = BinEnd(j, w, ow);
                        T s = T.Zero;
                        for (int r = hs; r < he; r++)
                            for (int c = ws; c < we; c++) s += x[plane + r * w + c];
                        y[o] = s / T.CreateTruncating((he - hs) * (we - ws));
                    }
                }
            }
        });
    }

    /// <summary>gx (zeroed) += gy / bin size over each bin.</summary>
    public static void AdaptiveAvgBackward<T>(T[] gy, int gyOffset, int planes, int h, int w, int oh, int ow, T[] gx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (oh == 1 && ow == 1)
        {
            GlobalAvgBackward(gy, gyOffset, planes, h * w, gx);
            return;
        }
        CpuParallel.For(planes, (long)h * w, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int plane = p * h * w, o = gyOffset + p * oh * ow;
                for (int i = 0; i < oh; i++)
                {
                    int hs = BinStart(i, h, oh), he = BinEnd(i, h, oh);
                    for (int j = 0; j < ow; j++, o++)
                    {
                        int ws = BinStart(j, w, ow), we = BinEnd(j, w, ow);
                        T v = gy[o] / T.CreateTruncating((he - hs) * (we - ws));
                        for (int r = hs; r < he; r++)
                            for (int c = ws; c < we; c++) gx[plane + r * w + c] += v;
                    }
                }
            }
        });
    }

    // Global average pooling (output 1x1; ResNet's and MobileNet's heads): one vector sum per plane forward, one vector add
    // of gy / (H*W) per plane backward, instead of the bin loops' scalar element walk.
    private static void GlobalAvgForward<T>(T[] x, int xOffset, int planes, int hw, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.One / T.CreateTruncating(hw);
        CpuParallel.For(planes, hw, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++) y[p] = VectorMath.Sum<T>(x.AsSpan(xOffset + p * hw, hw)) * scale;
        });
    }

    private static void GlobalAvgBackward<T>(T[] gy, int gyOffset, int planes, int hw, T[] gx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateTruncating(hw);
        CpuParallel.For(planes, hw, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                var plane = gx.AsSpan(p * hw, hw);
                VectorMath.AddScalar<T>(plane, gy[gyOffset + p] / count, plane);
            }
        });
    }
}
