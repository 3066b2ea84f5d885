using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lepton.Engine.Kernels;

// The F(2x2, 3x3) tile transforms in 256-bit vectors, 8 channels at a time, for CPUs without AVX-512: the same operations
// in the same order on each channel as the 512-bit ones, so the same bits.
internal static unsafe partial class ConvWinogradTransforms
{
    private const int Lanes256 = 8;

    /// <summary>
    /// <see cref="InputTile"/> in 256-bit vectors: v[ξ*ldv + ch] = (Bᵀ d B)_ξ for the 4x4 pixels d of one tile (d[a, b] at p + (a*wp + b)*cPad), all cPad channels.
    /// Bᵀ = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputTile256(float* p, int wp, int cPad, float* v, long ldv)
    {
        long row = (long)wp * cPad;
        for (int c = 0; c < cPad; c += Lanes256)
        {
            float* s = p + c;
            // d·B along each row a: columns (0, 1, 2, 3) → (d0 - d2, d1 + d2, d2 - d1, d1 - d3).
            RowB256(s, cPad, out var r00, out var r01, out var r02, out var r03);
            RowB256(s + row, cPad, out var r10, out var r11, out var r12, out var r13);
            RowB256(s + 2 * row, cPad, out var r20, out var r21, out var r22, out var r23);
            RowB256(s + 3 * row, cPad, out var r30, out var r31, out var r32, out var r33);
            float* d = v + c;
            ColumnB256(d, ldv, 0, r00, r10, r20, r30);
            ColumnB256(d, ldv, 1, r01, r11, r21, r31);
            ColumnB256(d, ldv, 2, r02, r12, r22, r32);
            ColumnB256(d, ldv, 3, r03, r13, r23, r33);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowB256(float* s, int step, out Vector256<float> b0, out Vector256<float> b1, out Vector256<float> b2,
        out Vector256<float> b3)
    {
        Vector256<float> d0 = Vector256.Load(s), d1 = Vector256.Load(s + step), d2 = Vector256.Load(s + 2 * step),
            d3 = Vector256.Load(s + 3 * step);
        b0 = d0 - d2;
        b1 = d1 + d2;
        b2 = d2 - d1;
        b3 = d1 - d3;
    }

    // Bᵀ down column b: points (0,b), (1,b), (2,b), (3,b).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnB256(float* d, long ldv, int b, Vector256<float> x0, Vector256<float> x1, Vector256<float> x2,
        Vector256<float> x3)
    {
        (x0 - x2).Store(d + b * ldv);
        (x1 + x2).Store(d + (4 + b) * ldv);
        (x2 - x1).Store(d + (8 + b) * ldv);
        (x1 - x3).Store(d + (12 + b) * ldv);
    }

    /// <summary>
    /// <see cref="OutputTile"/> in 256-bit vectors: the 2x2 output pixels of one tile, o[(i*wo + j)*cPad + ch] = (Aᵀ M A)[i, j] + bias[ch], from m[ξ*ldm + ch];
    /// Aᵀ = [[1,1,1,0],[0,1,-1,-1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OutputTile256(float* m, long ldm, int cPad, float* bias, float* o, int wo)
    {
        long below = (long)wo * cPad;
        for (int c = 0; c < cPad; c += Lanes256)
        {
            float* s = m + c;
            var b = Vector256.Load(bias + c);
            // Aᵀ M down each column b of the grid.
            ColumnA256(s, ldm, 0, out var s00, out var s10);
            ColumnA256(s, ldm, 1, out var s01, out var s11);
            ColumnA256(s, ldm, 2, out var s02, out var s12);
            ColumnA256(s, ldm, 3, out var s03, out var s13);
            float* d = o + c;
            (s00 + s01 + s02 + b).Store(d);
            (s01 - s02 - s03 + b).Store(d + cPad);
            (s10 + s11 + s12 + b).Store(d + below);
            (s11 - s12 - s13 + b).Store(d + below + cPad);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnA256(float* s, long ldm, int b, out Vector256<float> y0, out Vector256<float> y1)
    {
        Vector256<float> m0 = Vector256.Load(s + b * ldm), m1 = Vector256.Load(s + (4 + b) * ldm),
            m2 = Vector256.Load(s + (8 + b) * ldm), m3 = Vector256.Load(s + (12 + b) * ldm);
        y0 = m0 + m1 + m2;
        y1 = m1 - m2 - m3;
    }

    /// <summary>
    /// <see cref="GradTile"/> in 256-bit vectors: the weight gradient's side of one output tile: m[ξ*ldm + ch] = (A ∂Y Aᵀ)_ξ for the 2x2 output-gradient pixels ∂Y
    /// (∂Y[i, j] at o + (i*wo + j)*cPad), all cPad channels; A = [[1,0],[1,1],[1,-1],[0,-1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GradTile256(float* o, int wo, int cPad, float* m, long ldm)
    {
        long below = (long)wo * cPad;
        for (int c = 0; c < cPad; c += Lanes256)
        {
            float* s = o + c;
            Vector256<float> g00 = Vector256.Load(s), g01 = Vector256.Load(s + cPad),
                g10 = Vector256.Load(s + below), g11 = Vector256.Load(s + below + cPad);
            float* d = m + c;
            // A ∂Y: rows (g0, g0 + g1, g0 - g1, -g1) per column; then the same along each row.
            RowA256(d, ldm, 0, g00, g01);
            RowA256(d, ldm, 4, g00 + g10, g01 + g11);
            RowA256(d, ldm, 8, g00 - g10, g01 - g11);
            RowA256(d, ldm, 12, -g10, -g11);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowA256(float* d, long ldm, int first, Vector256<float> x0, Vector256<float> x1)
    {
        x0.Store(d + first * ldm);
        (x0 + x1).Store(d + (first + 1) * ldm);
        (x0 - x1).Store(d + (first + 2) * ldm);
        (-x1).Store(d + (first + 3) * ldm);
    }
}
