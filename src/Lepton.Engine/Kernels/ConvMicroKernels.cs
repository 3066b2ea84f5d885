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
    /// out[i, 0..32] = Σ_j a[j*8 + i] · src[off[j] + 0..32] for the 8 rows i of one packed weight panel:
    /// 8 output channels by 32 consecutive positions of the padded output grid.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer8x32(int k, float* a, float* src, int* off, float* dst, int ldd)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
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
        Store(dst, c00, c01);
        Store(dst + ldd, c10, c11);
        Store(dst + 2 * ldd, c20, c21);
        Store(dst + 3 * ldd, c30, c31);
        Store(dst + 4 * ldd, c40, c41);
        Store(dst + 5 * ldd, c50, c51);
        Store(dst + 6 * ldd, c60, c61);
        Store(dst + 7 * ldd, c70, c71);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* d, Vector512<float> x0, Vector512<float> x1)
    {
        x0.Store(d);
        x1.Store(d + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOrAdd(float* d, Vector512<float> x0, Vector512<float> x1, bool accumulate)
    {
        if (accumulate)
        {
            x0 += Vector512.Load(d);
            x1 += Vector512.Load(d + 16);
        }
        x0.Store(d);
        x1.Store(d + 16);
    }
}
