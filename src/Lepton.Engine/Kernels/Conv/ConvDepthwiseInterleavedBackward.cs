using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// The depthwise gradients 8 channels at a time, on the pixel-major blocks of <see cref="ForwardInterleaved"/>: the input
/// gradient at stride 1 is that forward of gy with the flipped kernel, at stride 2 a scatter of each output pixel's nine
/// taps in the per-plane kernel's order (both the per-plane kernels' bits); the weight gradient sums each channel's taps
/// over the samples in 8 lanes at once (its own order: one running sum per channel and tap).
/// </summary>
internal static partial class ConvDepthwise
{
    internal static bool InterleavedBackwardApplies(ConvGeometry g) =>
        !InterleavedDisabled && Avx.IsSupported && g.C % Block == 0 && g.H * g.W >= Block && g.OH * g.OW >= Block;

    // gx (N,C,H,W), overwritten, from gy (N,C,OH,OW).
    private static unsafe void InputGradientInterleaved(float[] w, int wOffset, float[] gy, ConvGeometry g, float[] gx)
    {
        if (g.SH == 1)
        {
            // gx = gy (H,W at stride 1) convolved with the flipped kernel, padding 1: the forward's gather.
            var flipped = ArrayPool<float>.Shared.Rent(g.C * 9);
            try
            {
                for (int c = 0; c < g.C; c++)
                for (int t = 0; t < 9; t++) flipped[c * 9 + t] = w[wOffset + c * 9 + 8 - t];
                ForwardInterleaved(gy, 0, flipped, 0, null, 0, g, gx, relu: false);
            }
            finally { ArrayPool<float>.Shared.Return(flipped); }
            return;
        }
        int blocks = g.C / Block, ohw = g.OH * g.OW;
        var taps = BlockTaps(w, wOffset, null, 0, g.C);
        var at = PaddedPixels(g);
        try
        {
            CpuParallel.For(g.N * blocks, 9L * ohw * Block / 2, (i0, i1) =>
            {
                using var scratch = new BlockScratch(g, clearPad: false);
                fixed (float* pg = gy, px = gx, pt = taps, pp = scratch.Pad, pd = scratch.Pixels)
                fixed (int* pa = at)
                    for (int i = i0; i < i1; i++)
                    {
                        int n = i / blocks, cb = i % blocks;
                        long first = (long)n * g.C + cb * Block;
                        PixelsOf(pg + first * ohw, ohw, pd);
                        // The scatter adds into the block, so it starts from zeros every time.
                        new Span<float>(pp, scratch.PadSize).Clear();
                        ScatterStride2(pd, pt + cb * 10 * Block, g, pp);
                        PlanesOfPadded(pp, g.H * g.W, pa, px + first * g.H * g.W);
                    }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(taps);
            ArrayPool<int>.Shared.Return(at);
        }
    }

    // gw (C,1,3,3) and gb (C), overwritten (null for one not wanted), from x and gy: channel blocks across the threads, each
    // summing its samples in order, so the bits do not depend on the thread count.
    private static unsafe void WeightGradientInterleaved(float[] x, int xOffset, float[] gy, ConvGeometry g, float[]? gw, float[]? gb)
    {
        int blocks = g.C / Block, ohw = g.OH * g.OW;
        var at = PaddedPixels(g);
        try
        {
            CpuParallel.For(blocks, 10L * g.N * ohw * Block / 2, (b0, b1) =>
            {
                Span<float> sums = stackalloc float[10 * Block];
                // Every sample writes the same inner pixels, so the zero border is cleared once.
                using var scratch = new BlockScratch(g, clearPad: true);
                fixed (float* px = x, pg = gy, pp = scratch.Pad, pd = scratch.Pixels, ps = sums)
                fixed (int* pa = at)
                    for (int cb = b0; cb < b1; cb++)
                    {
                        new Span<float>(ps, 10 * Block).Clear();
                        for (int n = 0; n < g.N; n++)
                        {
                            long first = (long)n * g.C + cb * Block;
                            PaddedPixelsOf(px + xOffset + first * g.H * g.W, g.H * g.W, pa, pp);
                            PixelsOf(pg + first * ohw, ohw, pd);
                            TapSums(pp, pd, g, ps);
                        }
                        for (int l = 0; l < Block; l++)
                        {
                            int c = cb * Block + l;
                            if (gw is not null)
                                for (int t = 0; t < 9; t++) gw[c * 9 + t] = ps[t * Block + l];
                            if (gb is not null) gb[c] = ps[9 * Block + l];
                        }
                    }
            });
        }
        finally { ArrayPool<int>.Shared.Return(at); }
    }

    // sums[t] += Σ_(oh,ow) grad[(oh,ow)] · pad at tap t of (oh*S, ow*S); sums[9] += Σ grad (the bias), 8 channels per lane.
    private static unsafe void TapSums(float* pad, float* grad, ConvGeometry g, float* sums)
    {
        Vector256<float> a0 = Vector256.Load(sums), a1 = Vector256.Load(sums + 8), a2 = Vector256.Load(sums + 16),
            a3 = Vector256.Load(sums + 24), a4 = Vector256.Load(sums + 32), a5 = Vector256.Load(sums + 40),
            a6 = Vector256.Load(sums + 48), a7 = Vector256.Load(sums + 56), a8 = Vector256.Load(sums + 64),
            ab = Vector256.Load(sums + 72);
        int s = g.SH, row = (g.W + 2) * Block;
        for (int oh = 0; oh < g.OH; oh++)
        {
            float* top = pad + oh * s * row;
            float* d = grad + oh * g.OW * Block;
            for (int ow = 0; ow < g.OW; ow++)
            {
                var v = Vector256.Load(d + ow * Block);
                float* t = top + ow * s * Block;
                ab += v;
                a0 += v * Vector256.Load(t); a1 += v * Vector256.Load(t + Block); a2 += v * Vector256.Load(t + 2 * Block);
                a3 += v * Vector256.Load(t + row); a4 += v * Vector256.Load(t + row + Block); a5 += v * Vector256.Load(t + row + 2 * Block);
                a6 += v * Vector256.Load(t + 2 * row); a7 += v * Vector256.Load(t + 2 * row + Block); a8 += v * Vector256.Load(t + 2 * row + 2 * Block);
            }
        }
        a0.Store(sums); a1.Store(sums + 8); a2.Store(sums + 16); a3.Store(sums + 24); a4.Store(sums + 32);
        a5.Store(sums + 40); a6.Store(sums + 48); a7.Store(sums + 56); a8.Store(sums + 64); ab.Store(sums + 72);
    }

    // Stride 2: pad (the zeroed padded block) at tap (ki, kj) of output (oh, ow) += w[tap] · grad[(oh, ow)], looping oh, ki,
    // kj, then ow, as the per-plane scatter does, so each input pixel gathers its terms in the same order.
    private static unsafe void ScatterStride2(float* grad, float* taps, ConvGeometry g, float* pad)
    {
        int row = (g.W + 2) * Block;
        for (int oh = 0; oh < g.OH; oh++)
        {
            float* d = grad + oh * g.OW * Block;
            for (int ki = 0; ki < 3; ki++)
            for (int kj = 0; kj < 3; kj++)
            {
                var wv = Vector256.Load(taps + (ki * 3 + kj) * Block);
                float* to = pad + (2 * oh + ki) * row + kj * Block;
                for (int ow = 0; ow < g.OW; ow++)
                {
                    float* p = to + 2 * ow * Block;
                    (Vector256.Load(p) + wv * Vector256.Load(d + ow * Block)).Store(p);
                }
            }
        }
    }

    // 8 planes of count elements, consecutive in src → count pixels of 8 lanes (lane = plane), by 8x8 transposes.
    private static unsafe void PixelsOf(float* src, int count, float* dst)
    {
        for (int q0 = 0; q0 < count; q0 += Block)
        {
            int q = Math.Min(q0, count - Block);
            Transpose8x8.Load(src + q, count, out var p0, out var p1, out var p2, out var p3, out var p4, out var p5, out var p6, out var p7);
            float* o = dst + q * Block;
            p0.Store(o); p1.Store(o + 8); p2.Store(o + 16); p3.Store(o + 24);
            p4.Store(o + 32); p5.Store(o + 40); p6.Store(o + 48); p7.Store(o + 56);
        }
    }

    // The inverse of PaddedPixelsOf: pixel at[q] of the padded block → element q of each of the 8 planes at dst.
    private static unsafe void PlanesOfPadded(float* pad, int hw, int* at, float* dst)
    {
        var rows = stackalloc float[Block * Block];
        for (int q0 = 0; q0 < hw; q0 += Block)
        {
            int q = Math.Min(q0, hw - Block);
            for (int j = 0; j < Block; j++) Vector256.Load(pad + at[q + j] * Block).Store(rows + j * Block);
            Transpose8x8.Load(rows, Block, out var l0, out var l1, out var l2, out var l3, out var l4, out var l5, out var l6, out var l7);
            l0.Store(dst + q); l1.Store(dst + hw + q); l2.Store(dst + 2 * hw + q); l3.Store(dst + 3 * hw + q);
            l4.Store(dst + 4 * hw + q); l5.Store(dst + 5 * hw + q); l6.Store(dst + 6 * hw + q); l7.Store(dst + 7 * hw + q);
        }
    }
}
