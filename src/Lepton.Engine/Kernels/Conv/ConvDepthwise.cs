using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Depthwise 3x3 convolution (groups = in channels = out channels, padding 1, stride 1 or 2; MobileNet's blocks), float:
/// forward, input gradient and weight gradient as direct SIMD loops over one (sample, channel) plane at a time. The im2col
/// path runs one 9-deep GEMM per channel there, all overhead. Its twin is <see cref="Conv2dReference"/>.
/// </summary>
/// <remarks>
/// Each plane is copied once into a zero-padded scratch plane whose rows are split by column phase (column j*S + p of the
/// padded row goes to phase p, slot j). Output column ow then reads tap (ki, kj) at phase kj % S, row oh*S + ki, slot ow + kj / S:
/// a contiguous run for stride 2 as for stride 1, so every tap is one vector load per 8 outputs.
/// </remarks>
internal static partial class ConvDepthwise
{
    /// <summary>Tests switch the path off to run the im2col path on the same shapes.</summary>
    [ThreadStatic] internal static bool Disabled;

    public static bool Applies(ConvGeometry g) =>
        !Disabled && g.Groups == g.C && g.O == g.C && g.KH == 3 && g.KW == 3 && g.PH == 1 && g.PW == 1
        && g.DH == 1 && g.DW == 1 && g.SH == g.SW && g.SH is 1 or 2;

    // Phase-split padded plane: S phases of Hp rows of Wh slots.
    private readonly record struct Layout(int S, int Hp, int Wh)
    {
        public static Layout Of(ConvGeometry g) => new(g.SH, g.H + 2, (g.W + 2 + g.SH - 1) / g.SH + Vector<float>.Count);

        public int Size => S * Hp * Wh;

        // S is 1 or 2: the phase and slot by mask and shift (an integer division here cost four to eighteen idivs per row).
        public int Row(int kj, int r) => ((kj & (S - 1)) * Hp + r) * Wh + (kj >> (S - 1));
    }

    /// <summary>y (N,C,OH,OW) = depthwise conv of x (N,C,H,W) with w (C,1,3,3) + bias, and ReLU over each plane while in cache when <paramref name="relu"/>.</summary>
    public static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y,
        bool relu = false)
    {
        if (InterleavedApplies(g))
        {
            ForwardInterleaved(x, xOffset, w, wOffset, bias, biasOffset, g, y, relu);
            return;
        }
        var lay = Layout.Of(g);
        int planes = g.N * g.C, ohw = g.OH * g.OW;
        CpuParallel.For(planes, 9L * ohw / 2, (p0, p1) =>
        {
            var pad = ArrayPool<float>.Shared.Rent(lay.Size);
            // Every plane writes the same inner positions, so the zero border and slack are cleared once, not per plane.
            pad.AsSpan(0, lay.Size).Clear();
            try
            {
                for (int p = p0; p < p1; p++)
                {
                    int c = p % g.C;
                    Pad(x.AsSpan(xOffset + p * g.H * g.W, g.H * g.W), g, lay, pad, clear: false);
                    float b = bias is null ? 0f : bias[biasOffset + c];
                    ForwardPlane(pad, lay, w.AsSpan(wOffset + c * 9, 9), b, g, y.AsSpan(p * ohw, ohw), relu);
                }
            }
            finally { ArrayPool<float>.Shared.Return(pad); }
        });
    }

    /// <summary>gx, gw and gb (written; gx's previous contents are not kept) from gy; null for any not wanted.</summary>
    public static void Backward(float[] x, int xOffset, float[] w, int wOffset, float[] gy, ConvGeometry g, float[]? gx, float[]? gw, float[]? gb)
    {
        if (InterleavedBackwardApplies(g))
        {
            if (gx is not null) InputGradientInterleaved(w, wOffset, gy, g, gx);
            if (gw is not null || gb is not null) WeightGradientInterleaved(x, xOffset, gy, g, gw, gb);
            return;
        }
        var lay = Layout.Of(g);
        int ohw = g.OH * g.OW;
        if (gx is not null)
        {
            CpuParallel.For(g.N * g.C, 9L * ohw / 2, (p0, p1) =>
            {
                var pad = ArrayPool<float>.Shared.Rent(lay.Size);
                Span<float> flipped = stackalloc float[9];
                try
                {
                    for (int p = p0; p < p1; p++)
                    {
                        int c = p % g.C;
                        if (lay.S == 1)
                        {
                            // Stride 1: gx is gy (H,W here) convolved with the flipped kernel, padding 1 — the forward's gather
                            // with no read-modify-write.
                            Pad(gy.AsSpan(p * ohw, ohw), g, lay, pad);
                            for (int t = 0; t < 9; t++) flipped[t] = w[wOffset + c * 9 + 8 - t];
                            ForwardPlane(pad, lay, flipped, 0f, g, gx.AsSpan(p * g.H * g.W, g.H * g.W));
                            continue;
                        }
                        InputGradientPlane(gy.AsSpan(p * ohw, ohw), w.AsSpan(wOffset + c * 9, 9), g, lay, pad);
                        Unpad(pad, g, lay, gx.AsSpan(p * g.H * g.W, g.H * g.W));
                    }
                }
                finally { ArrayPool<float>.Shared.Return(pad); }
            });
        }
        if (gw is null && gb is null) return;
        // One channel per work item, summing its samples in order: the same bits on any number of threads.
        CpuParallel.For(g.C, 10L * g.N * ohw / 2, (c0, c1) =>
        {
            var pad = ArrayPool<float>.Shared.Rent(lay.Size);
            Span<float> taps = stackalloc float[10];
            try
            {
                for (int c = c0; c < c1; c++)
                {
                    taps.Clear();
                    for (int n = 0; n < g.N; n++)
                    {
                        int p = n * g.C + c;
                        Pad(x.AsSpan(xOffset + p * g.H * g.W, g.H * g.W), g, lay, pad);
                        WeightGradientPlane(pad, lay, gy.AsSpan(p * ohw, ohw), g, taps);
                    }
                    if (gw is not null) taps[..9].CopyTo(gw.AsSpan(c * 9, 9));
                    if (gb is not null) gb[c] = taps[9];
                }
            }
            finally { ArrayPool<float>.Shared.Return(pad); }
        });
    }

    // x plane (H,W) → zero-padded, phase-split rows; without clear, only the inner positions are written (a scratch whose
    // border is still zero from the plane before).
    private static void Pad(ReadOnlySpan<float> x, ConvGeometry g, Layout lay, float[] pad, bool clear = true)
    {
        if (clear) pad.AsSpan(0, lay.Size).Clear();
        for (int h = 0; h < g.H; h++)
        {
            var src = x.Slice(h * g.W, g.W);
            if (lay.S == 1)
            {
                src.CopyTo(pad.AsSpan(lay.Row(0, h + 1) + 1, g.W));
                continue;
            }
            // Padded column j = w + 1: even j to phase 0, odd j to phase 1, so x[2m] goes to phase 1 slot m and x[2m+1] to
            // phase 0 slot m+1.
            int even = lay.Row(0, h + 1), odd = lay.Row(1, h + 1);
            int wi = 0;
            if (Sse.IsSupported)
            {
                ref float from = ref MemoryMarshal.GetReference(src);
                ref float to = ref MemoryMarshal.GetArrayDataReference(pad);
                for (; wi + 8 <= g.W; wi += 8)
                {
                    var lo = Vector128.LoadUnsafe(ref from, (nuint)wi);
                    var hi = Vector128.LoadUnsafe(ref from, (nuint)wi + 4);
                    Sse.Shuffle(lo, hi, 0b10_00_10_00).StoreUnsafe(ref to, (nuint)(odd + wi / 2));
                    Sse.Shuffle(lo, hi, 0b11_01_11_01).StoreUnsafe(ref to, (nuint)(even + wi / 2 + 1));
                }
            }
            // The rest in pairs (x[2m] to phase 1 slot m, x[2m+1] to phase 0 slot m+1): no per-element parity branch.
            for (; wi + 1 < g.W; wi += 2)
            {
                pad[odd + (wi >> 1)] = src[wi];
                pad[even + (wi >> 1) + 1] = src[wi + 1];
            }
            if (wi < g.W) pad[odd + (wi >> 1)] = src[wi];
        }
    }

    // The inverse of Pad for a gradient: writes the inner (H,W) of the padded plane to gx.
    private static void Unpad(float[] pad, ConvGeometry g, Layout lay, Span<float> gx)
    {
        for (int h = 0; h < g.H; h++)
        {
            var dst = gx.Slice(h * g.W, g.W);
            if (lay.S == 1)
            {
                pad.AsSpan(lay.Row(0, h + 1) + 1, g.W).CopyTo(dst);
                continue;
            }
            int even = lay.Row(0, h + 1), odd = lay.Row(1, h + 1);
            int wi = 0;
            if (Sse.IsSupported)
            {
                ref float from = ref MemoryMarshal.GetArrayDataReference(pad);
                ref float to = ref MemoryMarshal.GetReference(dst);
                for (; wi + 8 <= g.W; wi += 8)
                {
                    var a = Vector128.LoadUnsafe(ref from, (nuint)(odd + wi / 2));
                    var b = Vector128.LoadUnsafe(ref from, (nuint)(even + wi / 2 + 1));
                    Sse.UnpackLow(a, b).StoreUnsafe(ref to, (nuint)wi);
                    Sse.UnpackHigh(a, b).StoreUnsafe(ref to, (nuint)wi + 4);
                }
            }
            for (; wi < g.W; wi++)
            {
                int j = wi + 1;
                dst[wi] = pad[((j & 1) == 0 ? even : odd) + (j >> 1)];
            }
        }
    }

    // y = conv of the padded plane (+ b), and ReLU (ReluOp's values) before each store when relu.
    private static void ForwardPlane(float[] pad, Layout lay, ReadOnlySpan<float> w, float b, ConvGeometry g, Span<float> y, bool relu = false)
    {
        int vc = Vector<float>.Count, s = lay.S;
        ref float p0 = ref MemoryMarshal.GetArrayDataReference(pad);
        Vector<float> w0 = new(w[0]), w1 = new(w[1]), w2 = new(w[2]), w3 = new(w[3]), w4 = new(w[4]), w5 = new(w[5]),
            w6 = new(w[6]), w7 = new(w[7]), w8 = new(w[8]), vb = new(b);
        var op = new ReluOp();
        // The nine taps' offsets for output row 0; each output row is S padded rows further down.
        int b00 = lay.Row(0, 0), b01 = lay.Row(1, 0), b02 = lay.Row(2, 0), b10 = lay.Row(0, 1), b11 = lay.Row(1, 1), b12 = lay.Row(2, 1),
            b20 = lay.Row(0, 2), b21 = lay.Row(1, 2), b22 = lay.Row(2, 2), step = s * lay.Wh;
        for (int oh = 0; oh < g.OH; oh++)
        {
            int d = oh * step;
            int t00 = b00 + d, t01 = b01 + d, t02 = b02 + d, t10 = b10 + d, t11 = b11 + d, t12 = b12 + d, t20 = b20 + d, t21 = b21 + d, t22 = b22 + d;
            var yRow = y.Slice(oh * g.OW, g.OW);
            int ow = 0;
            for (; ow + vc <= g.OW; ow += vc)
            {
                var acc = vb + w0 * Load(ref p0, t00 + ow) + w1 * Load(ref p0, t01 + ow) + w2 * Load(ref p0, t02 + ow);
                acc += w3 * Load(ref p0, t10 + ow) + w4 * Load(ref p0, t11 + ow) + w5 * Load(ref p0, t12 + ow);
                acc += w6 * Load(ref p0, t20 + ow) + w7 * Load(ref p0, t21 + ow) + w8 * Load(ref p0, t22 + ow);
                if (relu) acc = op.Apply(acc);
                acc.CopyTo(yRow.Slice(ow));
            }
            if (ow == g.OW) continue;
            // The columns past the last whole vector (all of a row of 7, MobileNet's last blocks) as one vector that reads the
            // row's slack (Layout keeps a vector of it), summed tap by tap from the bias as a scalar loop sums them, so the
            // bits are those of the scalar loop it replaces; only the columns that exist are stored.
            var tail = vb + w0 * Load(ref p0, t00 + ow);
            tail += w1 * Load(ref p0, t01 + ow);
            tail += w2 * Load(ref p0, t02 + ow);
            tail += w3 * Load(ref p0, t10 + ow);
            tail += w4 * Load(ref p0, t11 + ow);
            tail += w5 * Load(ref p0, t12 + ow);
            tail += w6 * Load(ref p0, t20 + ow);
            tail += w7 * Load(ref p0, t21 + ow);
            tail += w8 * Load(ref p0, t22 + ow);
            if (relu) tail = op.Apply(tail);
            // One by one: AVX's masked store measured slower here on Zen 4 (block5 of mobilenet: 3.7 against 3.5 ms per 256).
            for (int i = 0; i < g.OW - ow; i++) yRow[ow + i] = tail[i];
        }
    }

    // Scatter: padded gx at every tap of output (oh, ow) += w[tap] * gy[oh, ow]; one axpy per tap and output row.
    private static void InputGradientPlane(ReadOnlySpan<float> gy, ReadOnlySpan<float> w, ConvGeometry g, Layout lay, float[] pad)
    {
        pad.AsSpan(0, lay.Size).Clear();
        for (int oh = 0; oh < g.OH; oh++)
        {
            var gyRow = gy.Slice(oh * g.OW, g.OW);
            for (int ki = 0; ki < 3; ki++)
            for (int kj = 0; kj < 3; kj++)
            {
                var dst = pad.AsSpan(lay.Row(kj, oh * lay.S + ki), g.OW);
                Axpy(w[ki * 3 + kj], gyRow, dst);
            }
        }
    }

    // taps[t] += Σ gy[oh, ow] · padded x at tap t of (oh, ow); taps[9] += Σ gy (the bias gradient). Lane sums are kept in
    // vectors over the whole plane and reduced once at its end.
    private static void WeightGradientPlane(float[] pad, Layout lay, ReadOnlySpan<float> gy, ConvGeometry g, Span<float> taps)
    {
        int vc = Vector<float>.Count, s = lay.S;
        ref float p0 = ref MemoryMarshal.GetArrayDataReference(pad);
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default,
            a7 = default, a8 = default, ab = default;
        for (int oh = 0; oh < g.OH; oh++)
        {
            int r = oh * s;
            int t00 = lay.Row(0, r), t01 = lay.Row(1, r), t02 = lay.Row(2, r);
            int t10 = lay.Row(0, r + 1), t11 = lay.Row(1, r + 1), t12 = lay.Row(2, r + 1);
            int t20 = lay.Row(0, r + 2), t21 = lay.Row(1, r + 2), t22 = lay.Row(2, r + 2);
            var gyRow = gy.Slice(oh * g.OW, g.OW);
            int ow = 0;
            for (; ow + vc <= g.OW; ow += vc)
            {
                var v = new Vector<float>(gyRow.Slice(ow));
                ab += v;
                a0 += v * Load(ref p0, t00 + ow); a1 += v * Load(ref p0, t01 + ow); a2 += v * Load(ref p0, t02 + ow);
                a3 += v * Load(ref p0, t10 + ow); a4 += v * Load(ref p0, t11 + ow); a5 += v * Load(ref p0, t12 + ow);
                a6 += v * Load(ref p0, t20 + ow); a7 += v * Load(ref p0, t21 + ow); a8 += v * Load(ref p0, t22 + ow);
            }
            for (; ow < g.OW; ow++)
            {
                float v = gyRow[ow];
                taps[9] += v;
                taps[0] += v * pad[t00 + ow]; taps[1] += v * pad[t01 + ow]; taps[2] += v * pad[t02 + ow];
                taps[3] += v * pad[t10 + ow]; taps[4] += v * pad[t11 + ow]; taps[5] += v * pad[t12 + ow];
                taps[6] += v * pad[t20 + ow]; taps[7] += v * pad[t21 + ow]; taps[8] += v * pad[t22 + ow];
            }
        }
        taps[0] += Vector.Sum(a0); taps[1] += Vector.Sum(a1); taps[2] += Vector.Sum(a2);
        taps[3] += Vector.Sum(a3); taps[4] += Vector.Sum(a4); taps[5] += Vector.Sum(a5);
        taps[6] += Vector.Sum(a6); taps[7] += Vector.Sum(a7); taps[8] += Vector.Sum(a8);
        taps[9] += Vector.Sum(ab);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ref float start, int offset) =>
        Unsafe.ReadUnaligned<Vector<float>>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref start, offset)));

    private static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int vc = Vector<float>.Count, i = 0;
        var va = new Vector<float>(a);
        for (; i + vc <= x.Length; i += vc) (new Vector<float>(y.Slice(i)) + va * new Vector<float>(x.Slice(i))).CopyTo(y.Slice(i));
        for (; i < x.Length; i++) y[i] += a * x[i];
    }
}
