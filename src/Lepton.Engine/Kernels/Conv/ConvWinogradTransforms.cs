using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lepton.Engine.Kernels;

/// <summary>
/// The transforms of Winograd F(2x2, 3x3) (<see cref="ConvWinograd"/>) with channels as the vector lanes: weights
/// U = G g Gᵀ, input tiles V = Bᵀ d B and output tiles Y = Aᵀ M A, each a 4x4 grid of points ξ = 4a + b; and the
/// moves of a sample between planes (channels first) and pixels (channels last, padded to whole vectors).
/// </summary>
internal static unsafe partial class ConvWinogradTransforms
{
    public const int Points = 16, V = 16;

    /// <summary>
    /// u[(ξ*cinPad + ci)*coutPad + co] = U_ξ[co, ci], U = G g Gᵀ of the 3x3 kernel g = kernel(co, ci); zero for padding
    /// channels. kernel(co, ci) is w[co, ci] (forward) or w[ci, co] turned half a circle (input gradient).
    /// </summary>
    public static void PackWeights(float[] w, int wOffset, int cout, int cin, bool flipTranspose, float[] u, int cinPad, int coutPad)
    {
        u.AsSpan(0, Points * cinPad * coutPad).Clear();
        // Per kernel element, the step between output channels and the step between taps (a flipped kernel runs backwards).
        long coStep = flipTranspose ? 9 : cin * 9, tapStep = flipTranspose ? -1 : 1, plane = (long)cinPad * coutPad;
        fixed (float* pw = w, pu = u)
        {
            for (int ci = 0; ci < cin; ci++)
            {
                float* k = pw + wOffset + (flipTranspose ? (long)ci * cout * 9 + 8 : ci * 9L);
                float* d = pu + (long)ci * coutPad;
                for (int co = 0; co < cout; co++, k += coStep)
                    WeightTile(k, tapStep, d + co, plane);
            }
        }
    }

    // u_ξ = (G k Gᵀ)_ξ at d[ξ*plane], G = [[1,0,0],[½,½,½],[½,-½,½],[0,0,1]]: down the columns of k, then along the rows.
    private static void WeightTile(float* k, long step, float* d, long plane)
    {
        float k0 = k[0], k1 = k[step], k2 = k[2 * step], k3 = k[3 * step], k4 = k[4 * step], k5 = k[5 * step],
            k6 = k[6 * step], k7 = k[7 * step], k8 = k[8 * step];
        Row(k0, k1, k2, d, plane);
        Row(0.5f * (k0 + k3 + k6), 0.5f * (k1 + k4 + k7), 0.5f * (k2 + k5 + k8), d + 4 * plane, plane);
        Row(0.5f * (k0 - k3 + k6), 0.5f * (k1 - k4 + k7), 0.5f * (k2 - k5 + k8), d + 8 * plane, plane);
        Row(k6, k7, k8, d + 12 * plane, plane);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float g0, float g1, float g2, float* d, long plane)
    {
        d[0] = g0;
        d[plane] = 0.5f * (g0 + g1 + g2);
        d[2 * plane] = 0.5f * (g0 - g1 + g2);
        d[3 * plane] = g2;
    }

    /// <summary>
    /// p[(r*wp + c)*cPad + ch] = x[ch, r - top, c - left] for the rows x cols grid p, zero outside x (the padding) and for
    /// channels past `channels`. x: (channels, h, w) dense.
    /// </summary>
    public static void ChannelsLast(float* x, int channels, int h, int w, int top, int left, float* p, int rows, int wp, int cPad)
    {
        ClearPadding(p, channels, h, w, top, left, rows, wp, cPad);
        for (int i = 0; i < h; i++) PixelsOfRow(x, channels, h, w, i, p + ((i + top) * wp + left) * cPad, cPad);
    }

    /// <summary>
    /// Rows [r0, r1) of <see cref="ChannelsLast"/>'s grid, at their places in p: a part of one sample's convolution
    /// converts only the rows its tiles read.
    /// </summary>
    public static void ChannelsLastRows(float* x, int channels, int h, int w, int top, int left, float* p, int wp, int cPad, int r0, int r1)
    {
        int rowLength = wp * cPad;
        for (int r = r0; r < r1; r++)
        {
            float* line = p + (long)r * rowLength;
            int i = r - top;
            if (i < 0 || i >= h || channels < cPad) new Span<float>(line, rowLength).Clear();
            else
            {
                new Span<float>(line, left * cPad).Clear();
                new Span<float>(line + (left + w) * cPad, (wp - left - w) * cPad).Clear();
            }
            if (i >= 0 && i < h) PixelsOfRow(x, channels, h, w, i, line + left * cPad, cPad);
        }
    }

    // Row i of x's channels as pixels: dst[j*cPad + c] = x[c, i, j].
    private static void PixelsOfRow(float* x, int channels, int h, int w, int i, float* dst, int cPad)
    {
        int plane = h * w;
        float* src = x + i * w;
        if (channels < 8 || w < 8)
        {
            for (int c = 0; c < channels; c++)
            for (int j = 0; j < w; j++)
                dst[j * cPad + c] = src[(long)c * plane + j];
            return;
        }
        // 8x8 blocks; the last block of a row (and of the channels) overlaps the one before, rewriting equal values.
        for (int c0 = 0; c0 < channels; c0 += 8)
        for (int j0 = 0; j0 < w; j0 += 8)
        {
            int c = Math.Min(c0, channels - 8), j = Math.Min(j0, w - 8);
            Gemm.Transpose8x8(src + (long)c * plane + j, plane, dst + j * cPad + c, cPad);
        }
    }

    // Zeros p where ChannelsLast writes nothing: the rows above and below x and the pixels left and right of it. The
    // pixels of x are all overwritten, so they are cleared only when their channels do not fill cPad (the padding
    // channels must read zero); clearing the whole grid per sample was a memset of 40 KiB against 25 KiB written.
    private static void ClearPadding(float* p, int channels, int h, int w, int top, int left, int rows, int wp, int cPad)
    {
        if (channels < cPad)
        {
            new Span<float>(p, rows * wp * cPad).Clear();
            return;
        }
        long rowLength = (long)wp * cPad;
        new Span<float>(p, (int)(top * rowLength)).Clear();
        new Span<float>(p + (top + h) * rowLength, (int)((rows - top - h) * rowLength)).Clear();
        int leftLength = left * cPad, rightLength = (wp - left - w) * cPad;
        for (int i = top; i < top + h; i++)
        {
            float* line = p + i * rowLength;
            new Span<float>(line, leftLength).Clear();
            new Span<float>(line + (left + w) * cPad, rightLength).Clear();
        }
    }

    /// <summary>
    /// y[ch, i, j] = o[(i*wo + j)*cPad + ch] for ch &lt; channels, i &lt; h, j &lt; w: the pixels of one sample back into
    /// channel planes (y: (channels, h, w) dense).
    /// </summary>
    public static void ChannelsFirst(float* o, int wo, int cPad, int channels, int h, int w, float* y) =>
        ChannelsFirstRows(o, wo, cPad, channels, h, w, y, 0, h);

    /// <summary>Rows [i0, i1) of <see cref="ChannelsFirst"/>, for the part of a sample whose tiles wrote them.</summary>
    public static void ChannelsFirstRows(float* o, int wo, int cPad, int channels, int h, int w, float* y, int i0, int i1)
    {
        int plane = h * w;
        bool blocks = channels >= 8 && w >= 8;
        for (int i = i0; i < i1; i++)
        {
            float* src = o + (long)i * wo * cPad, dst = y + i * w;
            if (!blocks)
            {
                for (int c = 0; c < channels; c++)
                for (int j = 0; j < w; j++)
                    dst[(long)c * plane + j] = src[(long)j * cPad + c];
                continue;
            }
            for (int c0 = 0; c0 < channels; c0 += 8)
            for (int j0 = 0; j0 < w; j0 += 8)
            {
                int c = Math.Min(c0, channels - 8), j = Math.Min(j0, w - 8);
                Gemm.Transpose8x8(src + (long)j * cPad + c, cPad, dst + (long)c * plane + j, plane);
            }
        }
    }

    /// <summary>
    /// v[ξ*ldv + ch] = (Bᵀ d B)_ξ for the 4x4 pixels d of one tile (d[a, b] at p + (a*wp + b)*cPad), all cPad channels.
    /// Bᵀ = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputTile(float* p, int wp, int cPad, float* v, long ldv)
    {
        long row = (long)wp * cPad;
        for (int c = 0; c < cPad; c += V)
        {
            float* s = p + c;
            // d·B along each row a: columns (0, 1, 2, 3) → (d0 - d2, d1 + d2, d2 - d1, d1 - d3).
            RowB(s, cPad, out var r00, out var r01, out var r02, out var r03);
            RowB(s + row, cPad, out var r10, out var r11, out var r12, out var r13);
            RowB(s + 2 * row, cPad, out var r20, out var r21, out var r22, out var r23);
            RowB(s + 3 * row, cPad, out var r30, out var r31, out var r32, out var r33);
            float* d = v + c;
            ColumnB(d, ldv, 0, r00, r10, r20, r30);
            ColumnB(d, ldv, 1, r01, r11, r21, r31);
            ColumnB(d, ldv, 2, r02, r12, r22, r32);
            ColumnB(d, ldv, 3, r03, r13, r23, r33);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowB(float* s, int step, out Vector512<float> b0, out Vector512<float> b1, out Vector512<float> b2,
        out Vector512<float> b3)
    {
        Vector512<float> d0 = Vector512.Load(s), d1 = Vector512.Load(s + step), d2 = Vector512.Load(s + 2 * step),
            d3 = Vector512.Load(s + 3 * step);
        b0 = d0 - d2;
        b1 = d1 + d2;
        b2 = d2 - d1;
        b3 = d1 - d3;
    }

    // Bᵀ down column b: points (0,b), (1,b), (2,b), (3,b).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnB(float* d, long ldv, int b, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2,
        Vector512<float> x3)
    {
        (x0 - x2).Store(d + b * ldv);
        (x1 + x2).Store(d + (4 + b) * ldv);
        (x2 - x1).Store(d + (8 + b) * ldv);
        (x1 - x3).Store(d + (12 + b) * ldv);
    }

    /// <summary>
    /// The 2x2 output pixels of one tile, o[(i*wo + j)*cPad + ch] = (Aᵀ M A)[i, j] + bias[ch], from m[ξ*ldm + ch];
    /// Aᵀ = [[1,1,1,0],[0,1,-1,-1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OutputTile(float* m, long ldm, int cPad, float* bias, float* o, int wo)
    {
        long below = (long)wo * cPad;
        for (int c = 0; c < cPad; c += V)
        {
            float* s = m + c;
            var b = Vector512.Load(bias + c);
            // Aᵀ M down each column b of the grid.
            ColumnA(s, ldm, 0, out var s00, out var s10);
            ColumnA(s, ldm, 1, out var s01, out var s11);
            ColumnA(s, ldm, 2, out var s02, out var s12);
            ColumnA(s, ldm, 3, out var s03, out var s13);
            float* d = o + c;
            (s00 + s01 + s02 + b).Store(d);
            (s01 - s02 - s03 + b).Store(d + cPad);
            (s10 + s11 + s12 + b).Store(d + below);
            (s11 - s12 - s13 + b).Store(d + below + cPad);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnA(float* s, long ldm, int b, out Vector512<float> y0, out Vector512<float> y1)
    {
        Vector512<float> m0 = Vector512.Load(s + b * ldm), m1 = Vector512.Load(s + (4 + b) * ldm),
            m2 = Vector512.Load(s + (8 + b) * ldm), m3 = Vector512.Load(s + (12 + b) * ldm);
        y0 = m0 + m1 + m2;
        y1 = m1 - m2 - m3;
    }

    /// <summary>
    /// The weight gradient's side of one output tile: m[ξ*ldm + ch] = (A ∂Y Aᵀ)_ξ for the 2x2 output-gradient pixels ∂Y
    /// (∂Y[i, j] at o + (i*wo + j)*cPad), all cPad channels; A = [[1,0],[1,1],[1,-1],[0,-1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GradTile(float* o, int wo, int cPad, float* m, long ldm)
    {
        long below = (long)wo * cPad;
        for (int c = 0; c < cPad; c += V)
        {
            float* s = o + c;
            Vector512<float> g00 = Vector512.Load(s), g01 = Vector512.Load(s + cPad),
                g10 = Vector512.Load(s + below), g11 = Vector512.Load(s + below + cPad);
            float* d = m + c;
            // A ∂Y: rows (g0, g0 + g1, g0 - g1, -g1) per column; then the same along each row.
            RowA(d, ldm, 0, g00, g01);
            RowA(d, ldm, 4, g00 + g10, g01 + g11);
            RowA(d, ldm, 8, g00 - g10, g01 - g11);
            RowA(d, ldm, 12, -g10, -g11);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowA(float* d, long ldm, int first, Vector512<float> x0, Vector512<float> x1)
    {
        x0.Store(d + first * ldm);
        (x0 + x1).Store(d + (first + 1) * ldm);
        (x0 - x1).Store(d + (first + 2) * ldm);
        (-x1).Store(d + (first + 3) * ldm);
    }

    /// <summary>
    /// gw[(co*cin + ci)*9 + ki*3 + kj] = (Gᵀ ∂U G)[ki, kj] from ∂U_ξ[co, ci] = du[(ξ*cinPad + ci)*coutPad + co]:
    /// back through U = G g Gᵀ.
    /// </summary>
    public static void UnpackWeightGradient(float[] du, int cout, int cin, int cinPad, int coutPad, float[] gw)
    {
        long plane = (long)cinPad * coutPad;
        fixed (float* pu = du, pw = gw)
        {
            for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
            {
                float* u = pu + (long)ci * coutPad + co, d = pw + (co * cin + ci) * 9;
                // Gᵀ = [[1,½,½,0],[0,½,-½,0],[0,½,½,1]] down each column b of the 4x4 grid, then along the rows.
                float r00 = 0, r01 = 0, r02 = 0, r03 = 0, r10 = 0, r11 = 0, r12 = 0, r13 = 0, r20 = 0, r21 = 0, r22 = 0, r23 = 0;
                GT(u[0], u[4 * plane], u[8 * plane], u[12 * plane], ref r00, ref r10, ref r20);
                GT(u[plane], u[5 * plane], u[9 * plane], u[13 * plane], ref r01, ref r11, ref r21);
                GT(u[2 * plane], u[6 * plane], u[10 * plane], u[14 * plane], ref r02, ref r12, ref r22);
                GT(u[3 * plane], u[7 * plane], u[11 * plane], u[15 * plane], ref r03, ref r13, ref r23);
                GT(r00, r01, r02, r03, ref d[0], ref d[1], ref d[2]);
                GT(r10, r11, r12, r13, ref d[3], ref d[4], ref d[5]);
                GT(r20, r21, r22, r23, ref d[6], ref d[7], ref d[8]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GT(float u0, float u1, float u2, float u3, ref float y0, ref float y1, ref float y2)
    {
        float half = 0.5f * (u1 + u2);
        y0 = u0 + half;
        y1 = 0.5f * (u1 - u2);
        y2 = half + u3;
    }
}
