using System.Numerics;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Direct-loop 2-D convolution, forward and both backward passes: the slow, obviously correct twin
/// that <see cref="Conv2dKernels"/> is tested against. All buffers dense row-major from index 0.
/// </summary>
internal static class Conv2dReference
{
    /// <summary>y[n,o,oh,ow] = b[o] + Σ_{c,ki,kj} x[n, g*Cg+c, oh*SH-PH+ki*DH, ow*SW-PW+kj*DW] · w[o,c,ki,kj].</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, ConvGeometry g, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n < g.N; n++)
        for (int o = 0; o < g.O; o++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
        {
            T acc = bias.IsEmpty ? T.Zero : bias[o];
            int grp = o / g.Og;
            for (int c = 0; c < g.Cg; c++)
            for (int ki = 0; ki < g.KH; ki++)
            for (int kj = 0; kj < g.KW; kj++)
            {
                int ih = oh * g.SH - g.PH + ki * g.DH, iw = ow * g.SW - g.PW + kj * g.DW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                acc += x[XIndex(g, n, grp * g.Cg + c, ih, iw)] * w[WIndex(g, o, c, ki, kj)];
            }
            y[((n * g.O + o) * g.OH + oh) * g.OW + ow] = acc;
        }
    }

    /// <summary>gx = ∂(Σ gy·y)/∂x, written (not accumulated) into gx.</summary>
    public static void BackwardInput<T>(ReadOnlySpan<T> gy, ReadOnlySpan<T> w, ConvGeometry g, Span<T> gx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        gx.Clear();
        for (int n = 0; n < g.N; n++)
        for (int o = 0; o < g.O; o++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
        {
            T gv = gy[((n * g.O + o) * g.OH + oh) * g.OW + ow];
            int grp = o / g.Og;
            for (int c = 0; c < g.Cg; c++)
            for (int ki = 0; ki < g.KH; ki++)
            for (int kj = 0; kj < g.KW; kj++)
            {
                int ih = oh * g.SH - g.PH + ki * g.DH, iw = ow * g.SW - g.PW + kj * g.DW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                gx[XIndex(g, n, grp * g.Cg + c, ih, iw)] += gv * w[WIndex(g, o, c, ki, kj)];
            }
        }
    }

    /// <summary>gw = ∂(Σ gy·y)/∂w and gb = Σ gy over (n, oh, ow); gb may be empty.</summary>
    public static void BackwardWeight<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gy, ConvGeometry g, Span<T> gw, Span<T> gb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        gw.Clear();
        gb.Clear();
        for (int n = 0; n < g.N; n++)
        for (int o = 0; o < g.O; o++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
        {
            T gv = gy[((n * g.O + o) * g.OH + oh) * g.OW + ow];
            if (!gb.IsEmpty) gb[o] += gv;
            int grp = o / g.Og;
            for (int c = 0; c < g.Cg; c++)
            for (int ki = 0; ki < g.KH; ki++)
            for (int kj = 0; kj < g.KW; kj++)
            {
                int ih = oh * g.SH - g.PH + ki * g.DH, iw = ow * g.SW - g.PW + kj * g.DW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                gw[WIndex(g, o, c, ki, kj)] += gv * x[XIndex(g, n, grp * g.Cg + c, ih, iw)];
            }
        }
    }

    private static int XIndex(ConvGeometry g, int n, int c, int h, int w) => ((n * g.C + c) * g.H + h) * g.W + w;

    private static int WIndex(ConvGeometry g, int o, int c, int ki, int kj) => ((o * g.Cg + c) * g.KH + ki) * g.KW + kj;
}
