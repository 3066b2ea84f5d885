using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// The depthwise forward 8 channels at a time, for small planes: each (sample, 8-channel block) is transposed into a
/// zero-bordered pixel-major buffer ((H+2) x (W+2) pixels of 8 channels), every output pixel is nine 8-lane multiply-adds
/// with no row tail and no stride-2 phase split, and the block is transposed back into its 8 planes. A plane of 7x7 costs
/// the per-plane kernel more in row set-up and tails than in arithmetic. Each output column sums in the order the
/// per-plane kernel's row loop gives it (vector body, or the scalar-order tail), so the bits are that kernel's.
/// </summary>
internal static partial class ConvDepthwise
{
    private const int Block = 8;

    /// <summary>Tests switch the channel-block path off to run the per-plane kernel on the same shapes.</summary>
    [ThreadStatic] internal static bool InterleavedDisabled;

    /// <summary>
    /// Whether the channel-block path takes g: output rows narrower than a vector (all tail in the per-plane kernel), or
    /// stride 2 with rows of up to 16 (the per-plane kernel's phase split costs more than the arithmetic). Measured on
    /// MobileNet's blocks at batch 256: 7x7 3.6 -> 1.0 ms, stride 2 to 7x7 4.0 -> 1.7 ms and to 14x14 4.7 -> 2.9 ms; 14x14
    /// at stride 1 was 3.8 -> 4.1-4.4 ms, so it stays per plane.
    /// </summary>
    internal static bool InterleavedApplies(ConvGeometry g) =>
        !InterleavedDisabled && Avx.IsSupported && g.C % Block == 0 && g.H * g.W >= Block && g.OH * g.OW >= Block
        && (g.OW < Vector<float>.Count || (g.SH == 2 && g.OW <= 16));

    // y (N,C,OH,OW) = depthwise conv of x (N,C,H,W) with w (C,1,3,3) + bias [, ReLU], C a multiple of 8.
    private static unsafe void ForwardInterleaved(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g,
        float[] y, bool relu)
    {
        int blocks = g.C / Block, ohw = g.OH * g.OW;
        var taps = BlockTaps(w, wOffset, bias, biasOffset, g.C);
        var at = PaddedPixels(g);
        try
        {
            CpuParallel.For(g.N * blocks, 9L * ohw * Block / 2, (i0, i1) =>
            {
                // Every block writes the same inner pixels, so the zero border is cleared once.
                using var scratch = new BlockScratch(g, clearPad: true);
                fixed (float* px = x, py = y, pt = taps, pp = scratch.Pad, po = scratch.Pixels)
                fixed (int* pa = at)
                    for (int i = i0; i < i1; i++)
                    {
                        int n = i / blocks, cb = i % blocks;
                        long first = (long)n * g.C + cb * Block;
                        PaddedPixelsOf(px + xOffset + first * g.H * g.W, g.H * g.W, pa, pp);
                        Block8(pp, pt + cb * 10 * Block, g, po, relu);
                        PlanesOf(po, ohw, py + first * ohw);
                    }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(taps);
            ArrayPool<int>.Shared.Return(at);
        }
    }

    // A part's scratch: the padded pixel-major block of an input ((H+2) x (W+2) pixels) and the pixel-major block of an
    // output or gradient (OH x OW pixels), rented and given back.
    private readonly struct BlockScratch : IDisposable
    {
        public readonly float[] Pad, Pixels;
        public readonly int PadSize;

        public BlockScratch(ConvGeometry g, bool clearPad)
        {
            PadSize = (g.H + 2) * (g.W + 2) * Block;
            Pad = ArrayPool<float>.Shared.Rent(PadSize);
            Pixels = ArrayPool<float>.Shared.Rent(g.OH * g.OW * Block);
            if (clearPad) Pad.AsSpan(0, PadSize).Clear();
        }

        public void Dispose()
        {
            ArrayPool<float>.Shared.Return(Pad);
            ArrayPool<float>.Shared.Return(Pixels);
        }
    }

    // (C/8, 10, 8), rented: the nine taps' weights of each block's 8 channels, then their biases (0 without).
    private static float[] BlockTaps(float[] w, int wOffset, float[]? bias, int biasOffset, int channels)
    {
        var taps = ArrayPool<float>.Shared.Rent(channels / Block * 10 * Block);
        for (int c = 0; c < channels; c++)
        {
            int cb = c / Block, l = c % Block;
            for (int t = 0; t < 9; t++) taps[(cb * 10 + t) * Block + l] = w[wOffset + c * 9 + t];
            taps[(cb * 10 + 9) * Block + l] = bias is null ? 0f : bias[biasOffset + c];
        }
        return taps;
    }

    // Rented: where input element q of a plane lands in the padded pixel-major block (in pixels).
    private static int[] PaddedPixels(ConvGeometry g)
    {
        var at = ArrayPool<int>.Shared.Rent(g.H * g.W);
        for (int q = 0; q < g.H * g.W; q++) at[q] = (q / g.W + 1) * (g.W + 2) + q % g.W + 1;
        return at;
    }

    // 8 planes of hw elements, consecutive in src → pixel at[q] of the padded pixel-major buffer, lane = plane: 8x8
    // transposes of 8 elements of each plane, the last group flush with the plane's end (it rewrites a few pixels).
    private static unsafe void PaddedPixelsOf(float* src, int hw, int* at, float* pad)
    {
        for (int q0 = 0; q0 < hw; q0 += Block)
        {
            int q = Math.Min(q0, hw - Block);
            Transpose8x8.Load(src + q, hw, out var p0, out var p1, out var p2, out var p3, out var p4, out var p5, out var p6, out var p7);
            p0.Store(pad + at[q] * Block); p1.Store(pad + at[q + 1] * Block);
            p2.Store(pad + at[q + 2] * Block); p3.Store(pad + at[q + 3] * Block);
            p4.Store(pad + at[q + 4] * Block); p5.Store(pad + at[q + 5] * Block);
            p6.Store(pad + at[q + 6] * Block); p7.Store(pad + at[q + 7] * Block);
        }
    }

    // The pixel-major output (ohw pixels of 8 lanes) → 8 consecutive planes of ohw, by 8x8 transposes (the last flush).
    private static unsafe void PlanesOf(float* outs, int ohw, float* dst)
    {
        for (int q0 = 0; q0 < ohw; q0 += Block)
        {
            int q = Math.Min(q0, ohw - Block);
            Transpose8x8.Load(outs + q * Block, Block, out var l0, out var l1, out var l2, out var l3, out var l4, out var l5, out var l6, out var l7);
            l0.Store(dst + q); l1.Store(dst + ohw + q); l2.Store(dst + 2 * ohw + q); l3.Store(dst + 3 * ohw + q);
            l4.Store(dst + 4 * ohw + q); l5.Store(dst + 5 * ohw + q); l6.Store(dst + 6 * ohw + q); l7.Store(dst + 7 * ohw + q);
        }
    }

    // outs[(oh, ow)] = bias + Σ taps · pad around (oh*S, ow*S), 8 channels per vector.
    private static unsafe void Block8(float* pad, float* taps, ConvGeometry g, float* outs, bool relu)
    {
        var w0 = Vector256.Load(taps); var w1 = Vector256.Load(taps + 8); var w2 = Vector256.Load(taps + 16);
        var w3 = Vector256.Load(taps + 24); var w4 = Vector256.Load(taps + 32); var w5 = Vector256.Load(taps + 40);
        var w6 = Vector256.Load(taps + 48); var w7 = Vector256.Load(taps + 56); var w8 = Vector256.Load(taps + 64);
        var vb = Vector256.Load(taps + 72);
        int s = g.SH, wp = g.W + 2, row = wp * Block;
        // The per-plane kernel's row loop sums columns [0, body) in whole vectors and the rest tap by tap.
        int body = g.OW - g.OW % Vector<float>.Count;
        for (int oh = 0; oh < g.OH; oh++)
        {
            float* top = pad + oh * s * row;
            float* o = outs + oh * g.OW * Block;
            for (int ow = 0; ow < g.OW; ow++)
            {
                float* t = top + ow * s * Block;
                Vector256<float> acc;
                if (ow < body)
                {
                    acc = vb + w0 * Vector256.Load(t) + w1 * Vector256.Load(t + Block) + w2 * Vector256.Load(t + 2 * Block);
                    acc += w3 * Vector256.Load(t + row) + w4 * Vector256.Load(t + row + Block) + w5 * Vector256.Load(t + row + 2 * Block);
                    acc += w6 * Vector256.Load(t + 2 * row) + w7 * Vector256.Load(t + 2 * row + Block) + w8 * Vector256.Load(t + 2 * row + 2 * Block);
                }
                else
                {
                    acc = vb + w0 * Vector256.Load(t);
                    acc += w1 * Vector256.Load(t + Block);
                    acc += w2 * Vector256.Load(t + 2 * Block);
                    acc += w3 * Vector256.Load(t + row);
                    acc += w4 * Vector256.Load(t + row + Block);
                    acc += w5 * Vector256.Load(t + row + 2 * Block);
                    acc += w6 * Vector256.Load(t + 2 * row);
                    acc += w7 * Vector256.Load(t + 2 * row + Block);
                    acc += w8 * Vector256.Load(t + 2 * row + 2 * Block);
                }
                // ReluOp's values: x where x > 0, else 0 (NaN and -0 to 0).
                if (relu) acc = Vector256.ConditionalSelect(Vector256.GreaterThan(acc, Vector256<float>.Zero), acc, Vector256<float>.Zero);
                acc.Store(o + ow * Block);
            }
        }
    }
}
