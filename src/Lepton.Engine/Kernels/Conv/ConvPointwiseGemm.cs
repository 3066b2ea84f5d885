using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// A served 1x1 convolution (stride 1, no padding) over small planes (at most 64 pixels: a MobileNet's 7x7 blocks) as one
/// GEMM per sample, yᵀ (HW x O) = xᵀ (HW x C) · wᵀ (C x O), with wᵀ packed once as the GEMM's B; the product is transposed
/// back into the sample's O planes with the bias (and ReLU) added on the way. The direct kernels' 32-pixel tiles compute
/// 64 lanes for a 49-pixel plane (77% of them used); the GEMM's row panels waste little on 49 rows (measured at batch 256:
/// 90-96 against 69-71 GMAC/s; at batch 1 on one core 52-53 against 36-37). Larger planes stay on the direct kernels,
/// which the GEMM did not beat there (47-65 GMAC/s against 47-71).
/// </summary>
internal static class ConvPointwiseGemm
{
    /// <summary>Tests switch the path off to run the direct kernels on the same shapes.</summary>
    [ThreadStatic] internal static bool Disabled;

    /// <summary>The largest plane (pixels) this path takes.</summary>
    internal const int MaxPixels = 64;

    private const int Lanes = 8;

    // Not under a GEMM kernel override (tests of other kernels' paths): the weight is packed for the default kernel.
    public static bool Applies(ConvGeometry g) =>
        !Disabled && Avx.IsSupported && Gemm.KernelOverride == GemmKernelKind.Auto && g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0 && g.DH == 1
        && g.DW == 1 && g.Groups == 1 && g.O % Lanes == 0 && g.OH * g.OW >= Lanes && g.OH * g.OW <= MaxPixels;

    /// <summary>wᵀ (C x O) of w (O,C,1,1) packed as the GEMM's B, to pass to every <see cref="Forward"/> with an unchanged w.</summary>
    public static PackedGemmB PackWeights(float[] w, int wOffset, ConvGeometry g) => Gemm.PackB(transB: true, g.C, g.O, w, wOffset, g.C);

    /// <summary>y (N,O,H,W) = conv(x (N,C,H,W), w) + bias, and ReLU when <paramref name="relu"/>; samples split across the threads.</summary>
    public static void Forward(float[] x, int xOffset, PackedGemmB w, float[]? bias, int biasOffset, ConvGeometry g, float[] y, bool relu)
    {
        int hw = g.OH * g.OW;
        // One sample's GEMM (3.2M multiply-adds for a 256->256 layer at 7x7) is under the GEMM's own split size.
        bool split = Conv2dKernels.OneSampleWorthSplitting(g);
        CpuParallel.For(g.N, Math.Max(1, (long)g.C * g.O * hw / 16), (n0, n1) =>
        {
            var product = ArrayPool<float>.Shared.Rent(hw * g.O);
            try
            {
                for (int n = n0; n < n1; n++)
                {
                    // xᵀ: the sample's (C, HW) block read as op(A) = Aᵀ with lda = HW.
                    Gemm.SgemmPacked(transA: true, hw, 1f, x, xOffset + n * g.C * hw, hw, w, 0f, product, 0, g.O, split);
                    TransposeBack(product, hw, g.O, bias, biasOffset, relu, y, n * g.O * hw);
                }
            }
            finally { ArrayPool<float>.Shared.Return(product); }
        });
    }

    // product (HW x O) → y[offset..] (O x HW) + bias per channel [, ReLU]: 8x8 blocks, the last 8 pixels flush with the
    // plane's end (rewriting a few); O is a multiple of 8 and HW at least 8.
    private static unsafe void TransposeBack(float[] product, int hw, int o, float[]? bias, int biasOffset, bool relu, float[] y, int offset)
    {
        // The 8 channels' biases of the block being written (zeros without a bias).
        Span<float> b = stackalloc float[Lanes];
        fixed (float* pp = product, py = y)
            for (int c0 = 0; c0 < o; c0 += Lanes)
            {
                if (bias is null) b.Clear();
                else bias.AsSpan(biasOffset + c0, Lanes).CopyTo(b);
                float* dst = py + offset + (long)c0 * hw;
                for (int q0 = 0; q0 < hw; q0 += Lanes)
                {
                    int q = Math.Min(q0, hw - Lanes);
                    Transpose8x8.Load(pp + q * o + c0, o, out var v0, out var v1, out var v2, out var v3, out var v4, out var v5, out var v6, out var v7);
                    Store(v0, b[0], relu, dst + q);
                    Store(v1, b[1], relu, dst + hw + q);
                    Store(v2, b[2], relu, dst + 2 * hw + q);
                    Store(v3, b[3], relu, dst + 3 * hw + q);
                    Store(v4, b[4], relu, dst + 4 * hw + q);
                    Store(v5, b[5], relu, dst + 5 * hw + q);
                    Store(v6, b[6], relu, dst + 6 * hw + q);
                    Store(v7, b[7], relu, dst + 7 * hw + q);
                }
            }
    }

    // v + b, then ReluOp's values when relu (x where x > 0, else 0).
    private static unsafe void Store(Vector256<float> v, float b, bool relu, float* dst)
    {
        v += Vector256.Create(b);
        if (relu) v = Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, Vector256<float>.Zero);
        v.Store(dst);
    }
}
