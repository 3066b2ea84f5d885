using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

/// <summary>
/// AVX-512 register tiles of the stride-1 convolution (<see cref="ConvStride1"/>). They read the image
/// straight from a zero-padded copy through a table of tap offsets, so no im2col matrix is ever written.
/// </summary>
internal static unsafe class ConvMicroKernels
{
    /// <summary>
    /// One tile of 8 output channels by 32 consecutive positions q0..q0+32 of the padded output grid:
    /// acc[i, 0..32] = bias[i] + Σ_j a[j*8 + i] · src[off[j] + 0..32], then only the valid positions (grid
    /// columns below the output width) are written, packed together, straight into the dense output.
    /// half = {validBits0, dstOffset0, validBits1, dstOffset1} describes the two 16-lane halves of the tile;
    /// row i goes to dst + i*ldd; rows from `rows` on are not written (output-channel tail).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer8x32(int k, float* a, float* src, int* off, float* bias, float* dst, int ldd, int* half, int rows)
    {
        Vector512<float> c00 = Vector512.Create(bias[0]), c10 = Vector512.Create(bias[1]),
            c20 = Vector512.Create(bias[2]), c30 = Vector512.Create(bias[3]),
            c40 = Vector512.Create(bias[4]), c50 = Vector512.Create(bias[5]),
            c60 = Vector512.Create(bias[6]), c70 = Vector512.Create(bias[7]);
        Vector512<float> c01 = c00, c11 = c10, c21 = c20, c31 = c30, c41 = c40, c51 = c50, c61 = c60, c71 = c70;
        for (int j = 0; j < k; j++, a += 8)
        {
            float* s = src + off[j];
            var b0 = Vector512.Load(s);
            var b1 = Vector512.Load(s + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
        }
        var tile = new TileStore(half);
        tile.Row(dst, c00, c01);
        if (rows > 1) tile.Row(dst + ldd, c10, c11);
        if (rows > 2) tile.Row(dst + 2 * ldd, c20, c21);
        if (rows > 3) tile.Row(dst + 3 * ldd, c30, c31);
        if (rows > 4) tile.Row(dst + 4 * ldd, c40, c41);
        if (rows > 5) tile.Row(dst + 5 * ldd, c50, c51);
        if (rows > 6) tile.Row(dst + 6 * ldd, c60, c61);
        if (rows > 7) tile.Row(dst + 7 * ldd, c70, c71);
    }

    // Writes the valid lanes of a tile row: compressed together (valid grid positions are consecutive in the
    // dense output), then a masked store of that many lanes.
    private readonly struct TileStore
    {
        private readonly Vector512<float> _valid0, _valid1, _count0, _count1;
        private readonly int _dst0, _dst1;

        public TileStore(int* half)
        {
            var bits = Vector512.Create(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);
            _valid0 = Vector512.Equals(Vector512.Create(half[0]) & bits, bits).AsSingle();
            _valid1 = Vector512.Equals(Vector512.Create(half[2]) & bits, bits).AsSingle();
            _count0 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(BitOperations.PopCount((uint)half[0]))).AsSingle();
            _count1 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(BitOperations.PopCount((uint)half[2]))).AsSingle();
            _dst0 = half[1];
            _dst1 = half[3];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(float* dst, Vector512<float> x0, Vector512<float> x1)
        {
            Avx512F.MaskStore(dst + _dst0, _count0, Avx512F.Compress(Vector512<float>.Zero, _valid0, x0));
            Avx512F.MaskStore(dst + _dst1, _count1, Avx512F.Compress(Vector512<float>.Zero, _valid1, x1));
        }
    }

    /// <summary>
    /// dst[i, 0..32] (+)= Σ_q x_i[q] · gT[q, 0..32] for 8 taps i (x_i = x + off[i]) over the valid output
    /// positions q = (oh, ow), oh &lt; rows, ow &lt; cols: x_i is read on the padded grid (row stride wp), gT
    /// is the output gradient transposed to (rows*cols, ldg). One tile of the transposed weight gradient.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Weight8x32(float* x, int* off, int rows, int cols, int wp, float* gT, int ldg, float* dst, int ldd, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        float* x0 = x + off[0], x1 = x + off[1], x2 = x + off[2], x3 = x + off[3],
            x4 = x + off[4], x5 = x + off[5], x6 = x + off[6], x7 = x + off[7];
        for (int r = 0; r < rows; r++)
        {
            int rowStart = r * wp;
            for (int t = rowStart; t < rowStart + cols; t++, gT += ldg)
            {
                var b0 = Vector512.Load(gT);
                var b1 = Vector512.Load(gT + 16);
                var a0 = Vector512.Create(x0[t]);
                c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
                var a1 = Vector512.Create(x1[t]);
                c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
                var a2 = Vector512.Create(x2[t]);
                c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
                var a3 = Vector512.Create(x3[t]);
                c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
                var a4 = Vector512.Create(x4[t]);
                c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
                var a5 = Vector512.Create(x5[t]);
                c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
                var a6 = Vector512.Create(x6[t]);
                c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
                var a7 = Vector512.Create(x7[t]);
                c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            }
        }
        StoreOrAdd(dst, c00, c01, accumulate);
        StoreOrAdd(dst + ldd, c10, c11, accumulate);
        StoreOrAdd(dst + 2 * ldd, c20, c21, accumulate);
        StoreOrAdd(dst + 3 * ldd, c30, c31, accumulate);
        StoreOrAdd(dst + 4 * ldd, c40, c41, accumulate);
        StoreOrAdd(dst + 5 * ldd, c50, c51, accumulate);
        StoreOrAdd(dst + 6 * ldd, c60, c61, accumulate);
        StoreOrAdd(dst + 7 * ldd, c70, c71, accumulate);
    }

    /// <summary>
    /// acc[i*3 + k] (+)= per-lane products g_i[t] · x_k[t] over t &lt; 16*steps, for 4 gradient rows g_i = g + i*ldg and
    /// 3 taps x_k = x + off[k]: 12 sums kept 16 lanes wide (acc holds 12 vectors), reduced once per chunk of samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4x3(float* g, int ldg, float* x, int* off, int steps, float* acc, bool accumulate)
    {
        Vector512<float> s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default,
            s20 = default, s21 = default, s22 = default, s30 = default, s31 = default, s32 = default;
        float* g0 = g, g1 = g + ldg, g2 = g + 2 * ldg, g3 = g + 3 * ldg;
        float* x0 = x + off[0], x1 = x + off[1], x2 = x + off[2];
        for (int t = 0; t < 16 * steps; t += 16)
        {
            var a0 = Vector512.Load(x0 + t);
            var a1 = Vector512.Load(x1 + t);
            var a2 = Vector512.Load(x2 + t);
            var b = Vector512.Load(g0 + t);
            s00 = Avx512F.FusedMultiplyAdd(b, a0, s00);
            s01 = Avx512F.FusedMultiplyAdd(b, a1, s01);
            s02 = Avx512F.FusedMultiplyAdd(b, a2, s02);
            b = Vector512.Load(g1 + t);
            s10 = Avx512F.FusedMultiplyAdd(b, a0, s10);
            s11 = Avx512F.FusedMultiplyAdd(b, a1, s11);
            s12 = Avx512F.FusedMultiplyAdd(b, a2, s12);
            b = Vector512.Load(g2 + t);
            s20 = Avx512F.FusedMultiplyAdd(b, a0, s20);
            s21 = Avx512F.FusedMultiplyAdd(b, a1, s21);
            s22 = Avx512F.FusedMultiplyAdd(b, a2, s22);
            b = Vector512.Load(g3 + t);
            s30 = Avx512F.FusedMultiplyAdd(b, a0, s30);
            s31 = Avx512F.FusedMultiplyAdd(b, a1, s31);
            s32 = Avx512F.FusedMultiplyAdd(b, a2, s32);
        }
        AddOrStore(acc, s00, accumulate);
        AddOrStore(acc + 16, s01, accumulate);
        AddOrStore(acc + 32, s02, accumulate);
        AddOrStore(acc + 48, s10, accumulate);
        AddOrStore(acc + 64, s11, accumulate);
        AddOrStore(acc + 80, s12, accumulate);
        AddOrStore(acc + 96, s20, accumulate);
        AddOrStore(acc + 112, s21, accumulate);
        AddOrStore(acc + 128, s22, accumulate);
        AddOrStore(acc + 144, s30, accumulate);
        AddOrStore(acc + 160, s31, accumulate);
        AddOrStore(acc + 176, s32, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddOrStore(float* d, Vector512<float> x, bool accumulate) =>
        (accumulate ? x + Vector512.Load(d) : x).Store(d);

    /// <summary>Stores (or with accumulate adds) 32 floats at d: one 32-wide row of an 8x32 register tile (also the Winograd kernels').</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreOrAdd(float* d, Vector512<float> x0, Vector512<float> x1, bool accumulate)
    {
        AddOrStore(d, x0, accumulate);
        AddOrStore(d + 16, x1, accumulate);
    }
}
