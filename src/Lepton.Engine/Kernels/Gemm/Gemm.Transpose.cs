using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

public static partial class Gemm
{
    // Packing a row-major A, or a transposed B, is a transpose: done 8x8 in AVX registers it runs
    // several times faster than element-by-element scatter, which matters when K or N is long.
    private static bool CanTranspose8x8 => Avx.IsSupported;

    // dst[c * ldd + r] = src[r * lds + c] for r, c in 0..8 (also the conv weight gradient's transpose of gy).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Transpose8x8(float* src, long lds, float* dst, long ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds);
        var r3 = Avx.LoadVector256(src + 3 * lds);
        var r4 = Avx.LoadVector256(src + 4 * lds);
        var r5 = Avx.LoadVector256(src + 5 * lds);
        var r6 = Avx.LoadVector256(src + 6 * lds);
        var r7 = Avx.LoadVector256(src + 7 * lds);
        // Interleave pairs of rows, then pairs of pairs (within each 128-bit lane) ...
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        // ... and finally join the low lanes (columns 0-3) and the high lanes (columns 4-7).
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(s3, s7, 0x31));
    }

    // dst[p * ldd + r] = src[r * lds + p] for r in 0..rows, p in 0..kc: `rows` strided source rows
    // become interleaved into the packed panel (ldd is the panel width).
    private static unsafe void TransposeRows(float* src, long lds, int rows, int kc, float* dst, int ldd)
    {
        int r = 0;
        if (CanTranspose8x8)
        {
            for (; r + 8 <= rows; r += 8)
            {
                float* s = src + r * lds;
                float* d = dst + r;
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose8x8(s + p, lds, d + (long)p * ldd, ldd);
                for (; p < kc; p++)
                    for (int i = 0; i < 8; i++) d[(long)p * ldd + i] = s[i * lds + p];
            }
        }
        for (; r < rows; r++)
        {
            float* s = src + r * lds;
            float* d = dst + r;
            for (int p = 0; p < kc; p++) d[(long)p * ldd] = s[p];
        }
    }
}
