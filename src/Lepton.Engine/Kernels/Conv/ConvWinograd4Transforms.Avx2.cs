using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lepton.Engine.Kernels;

// The F(4x4, 3x3) input and output transforms in 256-bit vectors, 8 channels at a time, for CPUs without AVX-512: the same
// operations in the same order on each channel as the 512-bit ones (so the same bits). With 16 vector registers instead of
// 32 the JIT keeps fewer of the 18 (input) or 24 (output) intermediate vectors in registers and spills the rest to L1.
internal static unsafe partial class ConvWinograd4Transforms
{
    private const int Lanes256 = 8;

    /// <summary>
    /// <see cref="InputTile"/> in 256-bit vectors: v[ξ*ldv + ch] = (Bᵀ d B)_ξ for the 6x6 pixels d of one tile (d[a, b] at p + (a*wp + b)*cPad), all cPad channels.
    /// Bᵀ = [[4,0,-5,0,1,0],[0,-4,-4,1,1,0],[0,4,-4,-1,1,0],[0,-2,-1,2,1,0],[0,2,-1,-2,1,0],[0,4,0,-5,0,1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputTile256(float* p, int wp, int cPad, float* v, long ldv)
    {
        long row = (long)wp * cPad;
        for (int c = 0; c < cPad; c += Lanes256)
        {
            float* s = p + c, d = v + c;
            BLow256(s, cPad, out var t00, out var t01, out var t02);
            BLow256(s + row, cPad, out var t10, out var t11, out var t12);
            BLow256(s + 2 * row, cPad, out var t20, out var t21, out var t22);
            BLow256(s + 3 * row, cPad, out var t30, out var t31, out var t32);
            BLow256(s + 4 * row, cPad, out var t40, out var t41, out var t42);
            BLow256(s + 5 * row, cPad, out var t50, out var t51, out var t52);
            Column256(t00, t10, t20, t30, t40, t50, d, ldv);
            Column256(t01, t11, t21, t31, t41, t51, d + ldv, ldv);
            Column256(t02, t12, t22, t32, t42, t52, d + 2 * ldv, ldv);
            BHigh256(s, cPad, out var u03, out var u04, out var u05);
            BHigh256(s + row, cPad, out var u13, out var u14, out var u15);
            BHigh256(s + 2 * row, cPad, out var u23, out var u24, out var u25);
            BHigh256(s + 3 * row, cPad, out var u33, out var u34, out var u35);
            BHigh256(s + 4 * row, cPad, out var u43, out var u44, out var u45);
            BHigh256(s + 5 * row, cPad, out var u53, out var u54, out var u55);
            Column256(u03, u13, u23, u33, u43, u53, d + 3 * ldv, ldv);
            Column256(u04, u14, u24, u34, u44, u54, d + 4 * ldv, ldv);
            Column256(u05, u15, u25, u35, u45, u55, d + 5 * ldv, ldv);
        }
    }

    // Outputs 0-2 of Bᵀ along the row of 6 pixels at s (cPad apart).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BLow256(float* s, int cPad, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2) =>
        BLow256(Vector256.Load(s), Vector256.Load(s + cPad), Vector256.Load(s + 2 * cPad), Vector256.Load(s + 3 * cPad),
            Vector256.Load(s + 4 * cPad), out y0, out y1, out y2);

    // Outputs 3-5 of Bᵀ along the row of 6 pixels at s.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BHigh256(float* s, int cPad, out Vector256<float> y3, out Vector256<float> y4, out Vector256<float> y5) =>
        BHigh256(Vector256.Load(s + cPad), Vector256.Load(s + 2 * cPad), Vector256.Load(s + 3 * cPad), Vector256.Load(s + 4 * cPad),
            Vector256.Load(s + 5 * cPad), out y3, out y4, out y5);

    // Bᵀ down one column of d·B, its 6 points stored 6*ldv apart from d.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column256(Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3, Vector256<float> t4,
        Vector256<float> t5, float* d, long ldv)
    {
        BLow256(t0, t1, t2, t3, t4, out var y0, out var y1, out var y2);
        BHigh256(t1, t2, t3, t4, t5, out var y3, out var y4, out var y5);
        y0.Store(d);
        y1.Store(d + 6 * ldv);
        y2.Store(d + 12 * ldv);
        y3.Store(d + 18 * ldv);
        y4.Store(d + 24 * ldv);
        y5.Store(d + 30 * ldv);
    }

    // Outputs 0-2 of Bᵀ applied to one line of 6 (they read d0-d4): shared sums first, two or three operations each.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BLow256(Vector256<float> d0, Vector256<float> d1, Vector256<float> d2, Vector256<float> d3, Vector256<float> d4,
        out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2)
    {
        var four = Vector256.Create(4f);
        var p = d4 - four * d2;          // d4 - 4d2
        var q = d3 - four * d1;          // d3 - 4d1
        y0 = four * d0 - Vector256.Create(5f) * d2 + d4;
        y1 = p + q;
        y2 = p - q;
    }

    // Outputs 3-5 of Bᵀ applied to one line of 6 (they read d1-d5).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BHigh256(Vector256<float> d1, Vector256<float> d2, Vector256<float> d3, Vector256<float> d4, Vector256<float> d5,
        out Vector256<float> y3, out Vector256<float> y4, out Vector256<float> y5)
    {
        var r = d4 - d2;
        var t = Vector256.Create(2f) * (d3 - d1); // 2d3 - 2d1
        y3 = r + t;
        y4 = r - t;
        y5 = Vector256.Create(4f) * d1 - Vector256.Create(5f) * d3 + d5;
    }

    /// <summary>
    /// <see cref="OutputTile"/> in 256-bit vectors: the 4x4 output pixels of one tile, o[(i*wo + j)*cPad + ch] = (Aᵀ M A)[i, j] + bias[ch], from m[ξ*ldm + ch];
    /// Aᵀ = [[1,1,1,1,1,0],[0,1,-1,2,-2,0],[0,1,1,4,4,0],[0,1,-1,8,-8,1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OutputTile256(float* m, long ldm, int cPad, float* bias, float* o, int wo)
    {
        long below = (long)wo * cPad, step = 6 * ldm;
        for (int c = 0; c < cPad; c += Lanes256)
        {
            float* r = m + c;
            ARow256(r, ldm, out var t00, out var t01, out var t02, out var t03);
            ARow256(r + step, ldm, out var t10, out var t11, out var t12, out var t13);
            ARow256(r + 2 * step, ldm, out var t20, out var t21, out var t22, out var t23);
            ARow256(r + 3 * step, ldm, out var t30, out var t31, out var t32, out var t33);
            ARow256(r + 4 * step, ldm, out var t40, out var t41, out var t42, out var t43);
            ARow256(r + 5 * step, ldm, out var t50, out var t51, out var t52, out var t53);
            var bv = Vector256.Load(bias + c);
            float* d = o + c;
            AColumn256(t00, t10, t20, t30, t40, t50, bv, d, below);
            AColumn256(t01, t11, t21, t31, t41, t51, bv, d + cPad, below);
            AColumn256(t02, t12, t22, t32, t42, t52, bv, d + 2 * cPad, below);
            AColumn256(t03, t13, t23, t33, t43, t53, bv, d + 3 * cPad, below);
        }
    }

    // Aᵀ along row a of M: its 6 points at r, ldm apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ARow256(float* r, long ldm, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2,
        out Vector256<float> y3) =>
        A256(Vector256.Load(r), Vector256.Load(r + ldm), Vector256.Load(r + 2 * ldm), Vector256.Load(r + 3 * ldm),
            Vector256.Load(r + 4 * ldm), Vector256.Load(r + 5 * ldm), out y0, out y1, out y2, out y3);

    // Aᵀ down output column j (pixels d, below, 2*below and 3*below further), plus the bias.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AColumn256(Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3, Vector256<float> t4,
        Vector256<float> t5, Vector256<float> bv, float* d, long below)
    {
        A256(t0, t1, t2, t3, t4, t5, out var y0, out var y1, out var y2, out var y3);
        (y0 + bv).Store(d);
        (y1 + bv).Store(d + below);
        (y2 + bv).Store(d + 2 * below);
        (y3 + bv).Store(d + 3 * below);
    }

    // Aᵀ applied to one line of 6.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void A256(Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3, Vector256<float> m4,
        Vector256<float> m5, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2, out Vector256<float> y3)
    {
        Vector256<float> sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
        y0 = m0 + sum12 + sum34;
        y1 = diff12 + Vector256.Create(2f) * diff34;
        y2 = sum12 + Vector256.Create(4f) * sum34;
        y3 = diff12 + Vector256.Create(8f) * diff34 + m5;
    }
}
