using System.Buffers;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// 1x1 convolution (no groups, no padding, stride 1 or 2; ResNet's projection shortcuts, MobileNet's pointwise layers),
/// float: one GEMM per sample on x as it lies (stride 1) or on its stride-2 subsample (a quarter of x, gathered once),
/// never an im2col copy. Threads take whole samples. Its twin is <see cref="Conv2dReference"/>.
/// </summary>
internal static class ConvPointwise
{
    /// <summary>Tests switch the path off to run the generic paths on the same shapes.</summary>
    [ThreadStatic] internal static bool Disabled;

    // A batch is cut into this many chunks at most, fixed by N and never by the thread count, so the weight gradient sums
    // the same partials in the same order on any number of threads (as Conv2dKernels).
    private const int MaxChunks = 8;

    public static bool Applies(ConvGeometry g) =>
        !Disabled && g.KH == 1 && g.KW == 1 && g.Groups == 1 && g.PH == 0 && g.PW == 0 && g.SH == g.SW && g.SH is 1 or 2;

    /// <summary>y (N,O,OH,OW) = w (O,C) · x_n (C, OH*OW) + bias per sample.</summary>
    public static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y)
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        CpuParallel.For(g.N, (long)g.O * g.C * ohw / 16, (n0, n1) =>
        {
            var sub = g.SH == 1 ? null : ArrayPool<float>.Shared.Rent(g.C * ohw);
            try
            {
                for (int n = n0; n < n1; n++)
                {
                    var (src, srcOff) = sub is null ? (x, xOffset + n * g.C * hw) : (Subsample(x, xOffset + n * g.C * hw, g, sub), 0);
                    Gemm.Sgemm(false, false, g.O, ohw, g.C, 1f, w, wOffset, g.C, src, srcOff, ohw, 0f, y, n * g.O * ohw, ohw);
                    if (bias is null) continue;
                    for (int o = 0; o < g.O; o++)
                    {
                        var row = y.AsSpan((n * g.O + o) * ohw, ohw);
                        VectorMath.AddScalar<float>(row, bias[biasOffset + o], row);
                    }
                }
            }
            finally { if (sub is not null) ArrayPool<float>.Shared.Return(sub); }
        });
    }

    /// <summary>gx (added into; zeroed by the caller), gw and gb (written) from gy; null for any not wanted.</summary>
    public static void Backward(float[] x, int xOffset, float[] w, int wOffset, float[] gy, ConvGeometry g, float[]? gx, float[]? gw, float[]? gb)
    {
        if (gb is not null) Conv2dKernels.BiasGradient(gy, g, gb);
        if (gx is null && gw is null) return;
        int hw = g.H * g.W, ohw = g.OH * g.OW, wSize = g.O * g.C;
        int chunks = Math.Min(g.N, MaxChunks);
        // Each chunk of samples writes its weight gradient to its own slice; the slices are summed in chunk order below.
        var partials = gw is null ? null : ArrayPool<float>.Shared.Rent(chunks * wSize);
        try
        {
            CpuParallel.For(chunks, 3L * g.N / chunks * g.O * g.C * ohw / 16, (c0, c1) =>
            {
                var sub = g.SH == 1 ? null : ArrayPool<float>.Shared.Rent(g.C * ohw);
                try
                {
                    for (int c = c0; c < c1; c++)
                    for (int n = g.N * c / chunks; n < g.N * (c + 1) / chunks; n++)
                    {
                        int gyOff = n * g.O * ohw, xOff = xOffset + n * g.C * hw;
                        if (partials is not null)
                        {
                            var (src, srcOff) = sub is null ? (x, xOff) : (Subsample(x, xOff, g, sub), 0);
                            // gw (O, C) += gy_n (O, OH*OW) · x_nᵀ (OH*OW, C)
                            bool first = n == g.N * c / chunks;
                            Gemm.Sgemm(false, true, g.O, g.C, ohw, 1f, gy, gyOff, ohw, src, srcOff, ohw, first ? 0f : 1f,
                                partials, c * wSize, g.C);
                        }
                        if (gx is null) continue;
                        if (sub is null)
                        {
                            // gx_n (C, H*W) += wᵀ (C, O) · gy_n (O, H*W)
                            Gemm.Sgemm(true, false, g.C, ohw, g.O, 1f, w, wOffset, g.C, gy, gyOff, ohw, 1f, gx, n * g.C * hw, hw);
                            continue;
                        }
                        Gemm.Sgemm(true, false, g.C, ohw, g.O, 1f, w, wOffset, g.C, gy, gyOff, ohw, 0f, sub, 0, ohw);
                        Scatter(sub, g, gx, n * g.C * hw);
                    }
                }
                finally { if (sub is not null) ArrayPool<float>.Shared.Return(sub); }
            });
            if (partials is null) return;
            partials.AsSpan(0, wSize).CopyTo(gw);
            for (int c = 1; c < chunks; c++) VectorMath.AddTo<float>(partials.AsSpan(c * wSize, wSize), gw);
        }
        finally
        {
            if (partials is not null) ArrayPool<float>.Shared.Return(partials);
        }
    }

    // x_n (C, H, W) at rows and columns 0, S, 2S, ... → sub (C, OH*OW).
    private static float[] Subsample(float[] x, int off, ConvGeometry g, float[] sub)
    {
        int s = g.SH, i = 0;
        for (int c = 0; c < g.C; c++)
        for (int oh = 0; oh < g.OH; oh++)
        {
            int row = off + (c * g.H + oh * s) * g.W;
            for (int ow = 0; ow < g.OW; ow++) sub[i++] = x[row + ow * s];
        }
        return sub;
    }

    // The inverse of Subsample for a gradient: sub (C, OH*OW) added into gx_n (C, H, W) at the strided positions.
    private static void Scatter(float[] sub, ConvGeometry g, float[] gx, int off)
    {
        int s = g.SH, i = 0;
        for (int c = 0; c < g.C; c++)
        for (int oh = 0; oh < g.OH; oh++)
        {
            int row = off + (c * g.H + oh * s) * g.W;
            for (int ow = 0; ow < g.OW; ow++) gx[row + ow * s] += sub[i++];
        }
    }
}
