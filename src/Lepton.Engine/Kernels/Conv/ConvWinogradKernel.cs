using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

/// <summary>
/// The register tile of the Winograd products (<see cref="ConvWinograd"/>): 8 rows by 32 channels. The forward's products
/// are as deep as the input channels; the weight gradient's run over the tiles. Plain stores of whole rows: with
/// products this shallow (32, 64) the direct tile's compress-and-mask stores would cost as much as its multiply-adds.
/// </summary>
internal static unsafe partial class ConvWinogradKernel
{
    /// <summary>dst[i*ldd + 0..32] = Σ_j a[i*lda + j] · b[j*ldb + 0..32] for 8 rows i and j &lt; k (the forward's products).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Product8x32(int k, float* a, long lda, float* b, long ldb, float* dst, long ldd)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        float* a0p = a, a1p = a + lda, a2p = a + 2 * lda, a3p = a + 3 * lda,
            a4p = a + 4 * lda, a5p = a + 5 * lda, a6p = a + 6 * lda, a7p = a + 7 * lda;
        for (int j = 0; j < k; j++, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a0p[j]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a1p[j]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a2p[j]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a3p[j]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a4p[j]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a5p[j]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a6p[j]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a7p[j]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
        }
        ConvMicroKernels.StoreOrAdd(dst, c00, c01, false);
        ConvMicroKernels.StoreOrAdd(dst + ldd, c10, c11, false);
        ConvMicroKernels.StoreOrAdd(dst + 2 * ldd, c20, c21, false);
        ConvMicroKernels.StoreOrAdd(dst + 3 * ldd, c30, c31, false);
        ConvMicroKernels.StoreOrAdd(dst + 4 * ldd, c40, c41, false);
        ConvMicroKernels.StoreOrAdd(dst + 5 * ldd, c50, c51, false);
        ConvMicroKernels.StoreOrAdd(dst + 6 * ldd, c60, c61, false);
        ConvMicroKernels.StoreOrAdd(dst + 7 * ldd, c70, c71, false);
    }

    /// <summary>
    /// dst[i*ldd + 0..32] (+)= Σ_t a[t*lda + i] · b[t*ldb + 0..32] for 8 rows i and t &lt; k, added to dst when accumulate
    /// (the weight gradient's products, summed over tiles t).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sum8x32(int k, float* a, long lda, float* b, long ldb, float* dst, long ldd, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        for (int t = 0; t < k; t++, a += lda, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
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
        ConvMicroKernels.StoreOrAdd(dst, c00, c01, accumulate);
        ConvMicroKernels.StoreOrAdd(dst + ldd, c10, c11, accumulate);
        ConvMicroKernels.StoreOrAdd(dst + 2 * ldd, c20, c21, accumulate);
        ConvMicroKernels.StoreOrAdd(dst + 3 * ldd, c30, c31, accumulate);
        ConvMicroKernels.StoreOrAdd(dst + 4 * ldd, c40, c41, accumulate);
        ConvMicroKernels.StoreOrAdd(dst + 5 * ldd, c50, c51, accumulate);
        ConvMicroKernels.StoreOrAdd(dst + 6 * ldd, c60, c61, accumulate);
        ConvMicroKernels.StoreOrAdd(dst + 7 * ldd, c70, c71, accumulate);
    }
}
