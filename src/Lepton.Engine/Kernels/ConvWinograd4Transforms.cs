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
internal static unsafe class ConvWinograd4Transforms
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit] // t is written before it is read
    public static void InputTile(float* p, int wp, int cPad, float* v, long ldv)
    {
        // d·B of the 6 rows (36 vectors): more than the registers, so through a stack block that stays in L1.
        var t = stackalloc Vector512<float>[36];
        long row = (long)wp * cPad;
        for (int c = 0; c < cPad; c += V)
        {
            float* s = p + c;
            for (int a = 0; a < 6; a++, s += row)
                B(Vector512.Load(s), Vector512.Load(s + cPad), Vector512.Load(s + 2 * cPad), Vector512.Load(s + 3 * cPad),
                    Vector512.Load(s + 4 * cPad), Vector512.Load(s + 5 * cPad), t + 6 * a);
            // Bᵀ down each column b: points (0..5, b).
            float* d = v + c;
            for (int b = 0; b < 6; b++)
            {
                B(t[b], t[6 + b], t[12 + b], t[18 + b], t[24 + b], t[30 + b], out var y0, out var y1, out var y2, out var y3,
                    out var y4, out var y5);
                y0.Store(d + b * ldv);
                y1.Store(d + (6 + b) * ldv);
                y2.Store(d + (12 + b) * ldv);
                y3.Store(d + (18 + b) * ldv);
                y4.Store(d + (24 + b) * ldv);
                y5.Store(d + (30 + b) * ldv);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void B(Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3, Vector512<float> d4,
        Vector512<float> d5, Vector512<float>* y)
    {
        B(d0, d1, d2, d3, d4, d5, out y[0], out y[1], out y[2], out y[3], out y[4], out y[5]);
    }

    // Bᵀ applied to one line of 6: shared sums first, so each output is two or three operations.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void B(Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3, Vector512<float> d4,
        Vector512<float> d5, out Vector512<float> y0, out Vector512<float> y1, out Vector512<float> y2, out Vector512<float> y3,
        out Vector512<float> y4, out Vector512<float> y5)
    {
        var four = Vector512.Create(4f);
        var five = Vector512.Create(5f);
        var two = Vector512.Create(2f);
        var p = d4 - four * d2;          // d4 - 4d2
        var q = d3 - four * d1;          // d3 - 4d1
        var r = d4 - d2;
        var s = two * (d3 - d1);         // 2d3 - 2d1
        y0 = four * d0 - five * d2 + d4;
        y1 = p + q;
        y2 = p - q;
        y3 = r + s;
        y4 = r - s;
        y5 = four * d1 - five * d3 + d5;
    }

    /// <summary>
    /// The 4x4 output pixels of one tile, o[(i*wo + j)*cPad + ch] = (Aᵀ M A)[i, j] + bias[ch], from m[ξ*ldm + ch];
    /// Aᵀ = [[1,1,1,1,1,0],[0,1,-1,2,-2,0],[0,1,1,4,4,0],[0,1,-1,8,-8,1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit] // t is written before it is read
    public static void OutputTile(float* m, long ldm, int cPad, float* bias, float* o, int wo)
    {
        // M·A of the 6 rows: 24 vectors.
        var t = stackalloc Vector512<float>[24];
        long below = (long)wo * cPad;
        for (int c = 0; c < cPad; c += V)
        {
            float* s = m + c;
            for (int a = 0; a < 6; a++)
            {
                float* r = s + 6 * a * ldm;
                A(Vector512.Load(r), Vector512.Load(r + ldm), Vector512.Load(r + 2 * ldm), Vector512.Load(r + 3 * ldm),
                    Vector512.Load(r + 4 * ldm), Vector512.Load(r + 5 * ldm),
                    out t[4 * a], out t[4 * a + 1], out t[4 * a + 2], out t[4 * a + 3]);
            }
            var bv = Vector512.Load(bias + c);
            // Aᵀ down each output column j.
            float* d = o + c;
            for (int j = 0; j < 4; j++)
            {
                A(t[j], t[4 + j], t[8 + j], t[12 + j], t[16 + j], t[20 + j], out var y0, out var y1, out var y2, out var y3);
                (y0 + bv).Store(d + j * cPad);
                (y1 + bv).Store(d + below + j * cPad);
                (y2 + bv).Store(d + 2 * below + j * cPad);
                (y3 + bv).Store(d + 3 * below + j * cPad);
            }
        }
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
