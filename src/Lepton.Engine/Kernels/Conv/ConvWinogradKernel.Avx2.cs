using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

// The 8x32 product tiles for CPUs without AVX-512, as four 4-row x 16-channel tiles of 256-bit vectors (8 accumulators,
// two B vectors and a broadcast fit AVX2's 16 registers). Each output is the same chain of fused multiply-adds as in the
// 512-bit tile, so the same bits.
internal static unsafe partial class ConvWinogradKernel
{
    /// <summary><see cref="Product8x32"/> in 256-bit vectors.</summary>
    public static void Product8x32Avx2(int k, float* a, long lda, float* b, long ldb, float* dst, long ldd)
    {
        for (int rows = 0; rows < 8; rows += 4)
            for (int cols = 0; cols < 32; cols += 16)
                Product4x16(k, a + rows * lda, lda, b + cols, ldb, dst + rows * ldd + cols, ldd);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Product4x16(int k, float* a, long lda, float* b, long ldb, float* dst, long ldd)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default;
        float* a0p = a, a1p = a + lda, a2p = a + 2 * lda, a3p = a + 3 * lda;
        for (int j = 0; j < k; j++, b += ldb)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var a0 = Vector256.Create(a0p[j]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a1p[j]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a2p[j]);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a3p[j]);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
        }
        Avx.Store(dst, c00);
        Avx.Store(dst + 8, c01);
        Avx.Store(dst + ldd, c10);
        Avx.Store(dst + ldd + 8, c11);
        Avx.Store(dst + 2 * ldd, c20);
        Avx.Store(dst + 2 * ldd + 8, c21);
        Avx.Store(dst + 3 * ldd, c30);
        Avx.Store(dst + 3 * ldd + 8, c31);
    }

    /// <summary><see cref="Sum8x32"/> in 256-bit vectors.</summary>
    public static void Sum8x32Avx2(int k, float* a, long lda, float* b, long ldb, float* dst, long ldd, bool accumulate)
    {
        for (int rows = 0; rows < 8; rows += 4)
            for (int cols = 0; cols < 32; cols += 16)
                Sum4x16(k, a + rows, lda, b + cols, ldb, dst + rows * ldd + cols, ldd, accumulate);
    }

    // dst[i*ldd + 0..16] (+)= Σ_t a[t*lda + i] · b[t*ldb + 0..16] for 4 rows i.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sum4x16(int k, float* a, long lda, float* b, long ldb, float* dst, long ldd, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default;
        for (int t = 0; t < k; t++, a += lda, b += ldb)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
        }
        StoreOrAdd(dst, c00, c01, accumulate);
        StoreOrAdd(dst + ldd, c10, c11, accumulate);
        StoreOrAdd(dst + 2 * ldd, c20, c21, accumulate);
        StoreOrAdd(dst + 3 * ldd, c30, c31, accumulate);
    }

    // 16 floats at d: stored, or added to what is there (x + d, as the 512-bit tile adds).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOrAdd(float* d, Vector256<float> x0, Vector256<float> x1, bool accumulate)
    {
        (accumulate ? x0 + Avx.LoadVector256(d) : x0).Store(d);
        (accumulate ? x1 + Avx.LoadVector256(d + 8) : x1).Store(d + 8);
    }
}
