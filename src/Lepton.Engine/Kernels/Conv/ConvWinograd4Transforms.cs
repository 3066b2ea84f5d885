using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lepton.Engine.Kernels;

/// <summary>
/// The transforms of Winograd F(4x4, 3x3) (Lavin and Gray, interpolation points 0, ±1, ±2, ∞) for the forward of
/// <see cref="ConvWinograd"/>, with channels as the vector lanes: weights U = G g Gᵀ, input tiles V = Bᵀ d B and output
/// tiles Y = Aᵀ M A, each a 6x6 grid of points ξ = 6a + b. 36 products give a 4x4 output tile (2.25 multiplies per
/// output against F(2x2)'s 4), at the price of larger transforms and rounding error ~10x F(2x2)'s (the points ±2 scale
/// terms by up to 8). The pixel moves (channels first ↔ last) are <see cref="ConvWinogradTransforms"/>'.
/// </summary>
internal static unsafe partial class ConvWinograd4Transforms
{
    public const int Points = 36, V = ConvWinogradTransforms.V;

    /// <summary>
    /// u[(ξ*cinPad + ci)*coutPad + co] = U_ξ[co, ci], U = G g Gᵀ of the 3x3 kernel g = w[co, ci] (forward only); zero for
    /// padding channels. Computed in double and rounded once: G's sixths and twenty-fourths are not exact in float.
    /// </summary>
    public static void PackWeights(float[] w, int wOffset, int cout, int cin, float[] u, int cinPad, int coutPad)
    {
        u.AsSpan(0, Points * cinPad * coutPad).Clear();
        long plane = (long)cinPad * coutPad;
        fixed (float* pw = w, pu = u)
        {
            for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
                WeightTile(pw + wOffset + (co * (long)cin + ci) * 9, pu + (long)ci * coutPad + co, plane);
        }
    }

    // G = [[¼,0,0],[-⅙,-⅙,-⅙],[-⅙,⅙,-⅙],[1/24,1/12,⅙],[1/24,-1/12,⅙],[0,0,1]]: g Gᵀ along each row of k (3x6), then G down
    // each of the 6 columns; u_ξ at d[ξ*plane].
    private static void WeightTile(float* k, float* d, long plane)
    {
        Span<double> r = stackalloc double[18];
        for (int a = 0; a < 3; a++)
            G(k[3 * a], k[3 * a + 1], k[3 * a + 2], r.Slice(6 * a, 6));
        Span<double> col = stackalloc double[6];
        for (int b = 0; b < 6; b++)
        {
            G(r[b], r[6 + b], r[12 + b], col);
            for (int a = 0; a < 6; a++) d[(6 * a + b) * plane] = (float)col[a];
        }
    }

    private static void G(double g0, double g1, double g2, Span<double> y)
    {
        y[0] = g0 / 4;
        y[1] = -(g0 + g1 + g2) / 6;
        y[2] = -(g0 - g1 + g2) / 6;
        y[3] = g0 / 24 + g1 / 12 + g2 / 6;
        y[4] = g0 / 24 - g1 / 12 + g2 / 6;
        y[5] = g2;
    }

    /// <summary>
    /// v[ξ*ldv + ch] = (Bᵀ d B)_ξ for the 6x6 pixels d of one tile (d[a, b] at p + (a*wp + b)*cPad), all cPad channels.
    /// Bᵀ = [[4,0,-5,0,1,0],[0,-4,-4,1,1,0],[0,4,-4,-1,1,0],[0,-2,-1,2,1,0],[0,2,-1,-2,1,0],[0,4,0,-5,0,1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputTile(float* p, int wp, int cPad, float* v, long ldv)
    {
        // d·B of the 6 rows is 36 vectors, more than the 32 registers: in two halves of 18 (columns 0-2 of d·B from
        // pixels 0-4 of each row, then columns 3-5 from pixels 1-5), each run down its 3 columns by Bᵀ straight from
        // registers. Loading pixels twice (L1 hits) is cheaper than storing d·B to the stack and reading it back. Every
        // point takes B's operations in B's order, so the bits are those of a plain row-then-column pass; fused
        // multiply-adds would save a third of the operations but change the bits for ~0.25 us per 14x14 sample.
        long row = (long)wp * cPad;
        for (int c = 0; c < cPad; c += V)
        {
            float* s = p + c, d = v + c;
            BLow(s, cPad, out var t00, out var t01, out var t02);
            BLow(s + row, cPad, out var t10, out var t11, out var t12);
            BLow(s + 2 * row, cPad, out var t20, out var t21, out var t22);
            BLow(s + 3 * row, cPad, out var t30, out var t31, out var t32);
            BLow(s + 4 * row, cPad, out var t40, out var t41, out var t42);
            BLow(s + 5 * row, cPad, out var t50, out var t51, out var t52);
            Column(t00, t10, t20, t30, t40, t50, d, ldv);
            Column(t01, t11, t21, t31, t41, t51, d + ldv, ldv);
            Column(t02, t12, t22, t32, t42, t52, d + 2 * ldv, ldv);
            BHigh(s, cPad, out var u03, out var u04, out var u05);
            BHigh(s + row, cPad, out var u13, out var u14, out var u15);
            BHigh(s + 2 * row, cPad, out var u23, out var u24, out var u25);
            BHigh(s + 3 * row, cPad, out var u33, out var u34, out var u35);
            BHigh(s + 4 * row, cPad, out var u43, out var u44, out var u45);
            BHigh(s + 5 * row, cPad, out var u53, out var u54, out var u55);
            Column(u03, u13, u23, u33, u43, u53, d + 3 * ldv, ldv);
            Column(u04, u14, u24, u34, u44, u54, d + 4 * ldv, ldv);
            Column(u05, u15, u25, u35, u45, u55, d + 5 * ldv, ldv);
        }
    }

    // Outputs 0-2 of Bᵀ along the row of 6 pixels at s (cPad apart).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BLow(float* s, int cPad, out Vector512<float> y0, out Vector512<float> y1, out Vector512<float> y2) =>
        BLow(Vector512.Load(s), Vector512.Load(s + cPad), Vector512.Load(s + 2 * cPad), Vector512.Load(s + 3 * cPad),
            Vector512.Load(s + 4 * cPad), out y0, out y1, out y2);

    // Outputs 3-5 of Bᵀ along the row of 6 pixels at s.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BHigh(float* s, int cPad, out Vector512<float> y3, out Vector512<float> y4, out Vector512<float> y5) =>
        BHigh(Vector512.Load(s + cPad), Vector512.Load(s + 2 * cPad), Vector512.Load(s + 3 * cPad), Vector512.Load(s + 4 * cPad),
            Vector512.Load(s + 5 * cPad), out y3, out y4, out y5);

    // Bᵀ down one column of d·B, its 6 points stored 6*ldv apart from d.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> t3, Vector512<float> t4,
        Vector512<float> t5, float* d, long ldv)
    {
        BLow(t0, t1, t2, t3, t4, out var y0, out var y1, out var y2);
        BHigh(t1, t2, t3, t4, t5, out var y3, out var y4, out var y5);
        y0.Store(d);
        y1.Store(d + 6 * ldv);
        y2.Store(d + 12 * ldv);
        y3.Store(d + 18 * ldv);
        y4.Store(d + 24 * ldv);
        y5.Store(d + 30 * ldv);
    }

    // Outputs 0-2 of Bᵀ applied to one line of 6 (they read d0-d4): shared sums first, two or three operations each.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BLow(Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3, Vector512<float> d4,
        out Vector512<float> y0, out Vector512<float> y1, out Vector512<float> y2)
    {
        var four = Vector512.Create(4f);
        var p = d4 - four * d2;          // d4 - 4d2
        var q = d3 - four * d1;          // d3 - 4d1
        y0 = four * d0 - Vector512.Create(5f) * d2 + d4;
        y1 = p + q;
        y2 = p - q;
    }

    // Outputs 3-5 of Bᵀ applied to one line of 6 (they read d1-d5).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BHigh(Vector512<float> d1, Vector512<float> d2, Vector512<float> d3, Vector512<float> d4, Vector512<float> d5,
        out Vector512<float> y3, out Vector512<float> y4, out Vector512<float> y5)
    {
        var r = d4 - d2;
        var t = Vector512.Create(2f) * (d3 - d1); // 2d3 - 2d1
        y3 = r + t;
        y4 = r - t;
        y5 = Vector512.Create(4f) * d1 - Vector512.Create(5f) * d3 + d5;
    }

    /// <summary>
    /// The 4x4 output pixels of one tile, o[(i*wo + j)*cPad + ch] = (Aᵀ M A)[i, j] + bias[ch], from m[ξ*ldm + ch];
    /// Aᵀ = [[1,1,1,1,1,0],[0,1,-1,2,-2,0],[0,1,1,4,4,0],[0,1,-1,8,-8,1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OutputTile(float* m, long ldm, int cPad, float* bias, float* o, int wo)
    {
        // M·A of the 6 rows is 24 vectors: held in registers (with the bias, 25 of 32) for Aᵀ down the 4 columns, not
        // stored to the stack and read back (the JIT spills none of them: checked with DOTNET_JitDisasm).
        long below = (long)wo * cPad, step = 6 * ldm;
        for (int c = 0; c < cPad; c += V)
        {
            float* r = m + c;
            ARow(r, ldm, out var t00, out var t01, out var t02, out var t03);
            ARow(r + step, ldm, out var t10, out var t11, out var t12, out var t13);
            ARow(r + 2 * step, ldm, out var t20, out var t21, out var t22, out var t23);
            ARow(r + 3 * step, ldm, out var t30, out var t31, out var t32, out var t33);
            ARow(r + 4 * step, ldm, out var t40, out var t41, out var t42, out var t43);
            ARow(r + 5 * step, ldm, out var t50, out var t51, out var t52, out var t53);
            var bv = Vector512.Load(bias + c);
            float* d = o + c;
            AColumn(t00, t10, t20, t30, t40, t50, bv, d, below);
            AColumn(t01, t11, t21, t31, t41, t51, bv, d + cPad, below);
            AColumn(t02, t12, t22, t32, t42, t52, bv, d + 2 * cPad, below);
            AColumn(t03, t13, t23, t33, t43, t53, bv, d + 3 * cPad, below);
        }
    }

    // Aᵀ along row a of M: its 6 points at r, ldm apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ARow(float* r, long ldm, out Vector512<float> y0, out Vector512<float> y1, out Vector512<float> y2,
        out Vector512<float> y3) =>
        A(Vector512.Load(r), Vector512.Load(r + ldm), Vector512.Load(r + 2 * ldm), Vector512.Load(r + 3 * ldm),
            Vector512.Load(r + 4 * ldm), Vector512.Load(r + 5 * ldm), out y0, out y1, out y2, out y3);

    // Aᵀ down output column j (pixels d, below, 2*below and 3*below further), plus the bias.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AColumn(Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> t3, Vector512<float> t4,
        Vector512<float> t5, Vector512<float> bv, float* d, long below)
    {
        A(t0, t1, t2, t3, t4, t5, out var y0, out var y1, out var y2, out var y3);
        (y0 + bv).Store(d);
        (y1 + bv).Store(d + below);
        (y2 + bv).Store(d + 2 * below);
        (y3 + bv).Store(d + 3 * below);
    }

    // Aᵀ applied to one line of 6.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void A(Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3, Vector512<float> m4,
        Vector512<float> m5, out Vector512<float> y0, out Vector512<float> y1, out Vector512<float> y2, out Vector512<float> y3)
    {
        Vector512<float> sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
        y0 = m0 + sum12 + sum34;
        y1 = diff12 + Vector512.Create(2f) * diff34;
        y2 = sum12 + Vector512.Create(4f) * sum34;
        y3 = diff12 + Vector512.Create(8f) * diff34 + m5;
    }
}
