using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Stride-1 convolution in float without an im2col matrix: register tiles read a zero-padded copy of each
/// sample through tap offsets (<see cref="ConvPaddedLayout"/>). The input gradient is itself a stride-1
/// convolution of the padded output gradient with the flipped, transposed weight, so no col2im is needed
/// either; the weight gradient is a GEMM whose operands are the padded input and the transposed output gradient.
/// </summary>
internal static class ConvStride1
{
    /// <summary>Turns this path off for convolutions called on the current thread (tests run the im2col path on the same shapes).</summary>
    [ThreadStatic] internal static bool Disabled;

    /// <summary>Whether this geometry runs here on this thread: stride 1, padding within the kernel, AVX-512 not overridden.</summary>
    public static bool Applies(ConvGeometry g)
    {
        var kind = Gemm.KernelOverride;
        return !Disabled && ConvPaddedLayout.Fits(g) && Avx512F.IsSupported && Vector512.IsHardwareAccelerated
            && (kind == GemmKernelKind.Auto || kind == GemmKernelKind.Avx512);
    }

    private const int TileWidth = 32, PanelRows = 8;

    // Weight rows packed at once per tile sweep: 32K floats (128 KiB) stay in L2 while the tiles pass over them.
    private static int BlockRows(int k) => Math.Max(PanelRows, 32_768 / Math.Max(k, 1) / PanelRows * PanelRows);

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    /// <summary>y (N,O,OH,OW) = conv(x, w) + bias, threads taking whole chunks of samples as Conv2dKernels does.</summary>
    public static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y)
    {
        var layout = new ConvPaddedLayout(g);
        int gk = g.GroupK, groupRows = RoundUp(g.Og, PanelRows), ldt = RoundUp(g.OH * layout.Wp, TileWidth);
        var pack = ArrayPool<float>.Shared.Rent(g.Groups * groupRows * gk);
        var off = ArrayPool<int>.Shared.Rent(gk);
        ConvWeightPacking.PackForward(w, wOffset, g, pack);
        ConvWeightPacking.ForwardOffsets(g, layout, off, gk);
        var job = new Chunks(g);
        var xpads = Rent(job.Parts, layout.InputSize(g));
        var tmps = Rent(job.Parts, g.Groups * groupRows * ldt);
        try
        {
            job.Run((part, n) =>
            {
                layout.Pad(x, xOffset + n * g.C * g.H * g.W, g.C, g.H, g.W, g.PH, g.PW, layout.Hp, xpads[part]);
                Sweep(xpads[part], g.Cg * layout.InputPlane, pack, groupRows, gk, off, g.Groups, g.OH * layout.Wp, tmps[part], ldt);
                layout.Unpad(tmps[part], ldt, g.Og, groupRows, g.O, g.OH, g.OW, bias, biasOffset, y, n * g.O * g.OH * g.OW);
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pack);
            ArrayPool<int>.Shared.Return(off);
            Return(xpads);
            Return(tmps);
        }
    }

    /// <summary>gx (N,C,H,W) overwritten and gw (O,Cg,KH,KW) overwritten from gy; null for one not wanted.</summary>
    public static void Backward(float[] x, int xOffset, float[] w, int wOffset, float[] gy, ConvGeometry g, float[]? gx, float[]? gw)
    {
        if (gx is null && gw is null) return;
        var layout = new ConvPaddedLayout(g);
        var job = new Chunks(g);
        // Input gradient: a convolution of gy padded by D*(K-1)-P with the flipped weight, channels swapped.
        int kB = g.Og * g.KH * g.KW, groupRowsB = RoundUp(g.Cg, PanelRows), ldtB = RoundUp(g.H * layout.Wp, TileWidth);
        // Weight gradient: tiles of 8 taps by 32 output channels; partial sums per chunk, in the transposed layout.
        int gk8 = RoundUp(g.GroupK, PanelRows), og32 = RoundUp(g.Og, TileWidth), ldg = g.Groups * og32;
        int slice = g.Groups * gk8 * og32, q = g.OH * g.OW;
        var packB = gx is null ? null : ArrayPool<float>.Shared.Rent(g.Groups * groupRowsB * kB);
        var offB = gx is null ? null : ArrayPool<int>.Shared.Rent(kB);
        var offW = gw is null ? null : ArrayPool<int>.Shared.Rent(gk8);
        var partials = gw is null ? null : ArrayPool<float>.Shared.Rent(job.Count * slice);
        var gpads = gx is null ? null : Rent(job.Parts, layout.GradSize(g));
        var tmps = gx is null ? null : Rent(job.Parts, g.Groups * groupRowsB * ldtB);
        var xpads = gw is null ? null : Rent(job.Parts, layout.InputSize(g));
        var gTs = gw is null ? null : Rent(job.Parts, q * ldg);
        try
        {
            if (packB is not null) ConvWeightPacking.PackInputGradient(w, wOffset, g, packB);
            if (offB is not null) ConvWeightPacking.InputGradientOffsets(g, layout, offB);
            if (offW is not null) ConvWeightPacking.ForwardOffsets(g, layout, offW, gk8);
            // Padding lanes of the transposed gradient must hold finite values: they meet real inputs in the FMAs.
            if (gTs is not null && og32 != g.Og) foreach (var b in gTs) b.AsSpan(0, q * ldg).Clear();
            job.Run((part, n) =>
            {
                if (gx is not null)
                {
                    layout.Pad(gy, n * g.O * q, g.O, g.OH, g.OW, layout.GradPadH, layout.GradPadW, layout.GradHp, gpads![part]);
                    Sweep(gpads[part], g.Og * layout.GradPlane, packB!, groupRowsB, kB, offB!, g.Groups, g.H * layout.Wp, tmps![part], ldtB);
                    layout.Unpad(tmps[part], ldtB, g.Cg, groupRowsB, g.C, g.H, g.W, null, 0, gx, n * g.C * g.H * g.W);
                }
                if (gw is not null)
                {
                    layout.Pad(x, xOffset + n * g.C * g.H * g.W, g.C, g.H, g.W, g.PH, g.PW, layout.Hp, xpads![part]);
                    Transpose(gy, n * g.O * q, g, q, gTs![part], og32, ldg);
                    int c = n / job.ChunkSize;
                    WeightSweep(xpads[part], gTs[part], g, layout, offW!, gk8, og32, ldg, partials!, c * slice, n > c * job.ChunkSize);
                }
            });
            if (gw is not null) ConvWeightPacking.SumAndUntranspose(partials!, job.Count, slice, g, gk8, og32, gw);
        }
        finally
        {
            if (packB is not null) ArrayPool<float>.Shared.Return(packB);
            if (offB is not null) ArrayPool<int>.Shared.Return(offB);
            if (offW is not null) ArrayPool<int>.Shared.Return(offW);
            if (partials is not null) ArrayPool<float>.Shared.Return(partials);
            Return(gpads);
            Return(tmps);
            Return(xpads);
            Return(gTs);
        }
    }

    // tmp[(gi, row), q] = Σ_j pack[(gi, row), j] · src[gi*groupStride + off[j] + q] for q in [0, ldt): every
    // 8-row weight panel against every 32-wide tile of the padded output grid, group by group.
    private static unsafe void Sweep(float[] src, int groupStride, float[] pack, int groupRows, int k, int[] off, int groups,
        int outputs, float[] tmp, int ldt)
    {
        int block = BlockRows(k);
        fixed (float* ps = src, pp = pack, pt = tmp)
        fixed (int* po = off)
        {
            for (int gi = 0; gi < groups; gi++)
            {
                float* s = ps + (long)gi * groupStride;
                for (int r0 = 0; r0 < groupRows; r0 += block)
                {
                    int r1 = Math.Min(groupRows, r0 + block);
                    for (int q0 = 0; q0 < outputs; q0 += TileWidth)
                    for (int r = r0; r < r1; r += PanelRows)
                    {
                        long row = (long)gi * groupRows + r;
                        ConvMicroKernels.Outer8x32(k, pp + row * k, s + q0, po, pt + row * ldt + q0, ldt);
                    }
                }
            }
        }
    }

    // partials[(gi, j), o] (+)= Σ_(oh,ow) xpad[gi, off[j] + oh*Wp + ow] · gT[(oh,ow), gi*og32 + o].
    private static unsafe void WeightSweep(float[] xpad, float[] gT, ConvGeometry g, ConvPaddedLayout layout, int[] off, int gk8,
        int og32, int ldg, float[] partials, int sliceOffset, bool accumulate)
    {
        fixed (float* px = xpad, pg = gT, pd = partials)
        fixed (int* po = off)
        {
            for (int gi = 0; gi < g.Groups; gi++)
            {
                float* xb = px + (long)gi * g.Cg * layout.InputPlane;
                for (int j = 0; j < gk8; j += PanelRows)
                for (int o = 0; o < og32; o += TileWidth)
                {
                    float* dst = pd + sliceOffset + ((long)gi * gk8 + j) * og32 + o;
                    ConvMicroKernels.Weight8x32(xb, po + j, g.OH, g.OW, layout.Wp, pg + gi * og32 + o, ldg, dst, og32, accumulate);
                }
            }
        }
    }

    // gT[(oh,ow), gi*og32 + o] = gy[n, gi*Og + o, oh, ow]: output channels become the vector lanes.
    private static void Transpose(float[] gy, int offset, ConvGeometry g, int q, float[] gT, int og32, int ldg)
    {
        for (int gi = 0; gi < g.Groups; gi++)
        for (int o = 0; o < g.Og; o++)
        {
            var src = gy.AsSpan(offset + (gi * g.Og + o) * q, q);
            int col = gi * og32 + o;
            for (int i = 0; i < q; i++) gT[i * ldg + col] = src[i];
        }
    }

    private static float[][] Rent(int slots, int size)
    {
        var buffers = new float[slots][];
        for (int i = 0; i < slots; i++) buffers[i] = ArrayPool<float>.Shared.Rent(size);
        return buffers;
    }

    private static void Return(float[][]? buffers)
    {
        if (buffers is null) return;
        foreach (var b in buffers) ArrayPool<float>.Shared.Return(b);
    }

    // The batch cut into chunks of samples exactly as Conv2dKernels cuts it (fixed by N, never by the thread
    // count); part p of the split loop takes chunks [Count*p/Parts, Count*(p+1)/Parts) and uses scratch slot p.
    private readonly struct Chunks(ConvGeometry g)
    {
        public readonly int ChunkSize = Conv2dKernels.SamplesPerChunk(g);
        public int Count => (g.N + ChunkSize - 1) / ChunkSize;
        public int Parts => Math.Min(CpuParallel.ThreadCount, Count);

        public void Run(Action<int, int> sample)
        {
            int count = Count, parts = Parts, size = ChunkSize, total = g.N;
            CpuParallel.For(parts, 2 * Conv2dKernels.ChunkCost(g, size) * count / parts, (p0, p1) =>
            {
                for (int part = p0; part < p1; part++)
                for (int c = count * part / parts; c < count * (part + 1) / parts; c++)
                for (int n = c * size; n < Math.Min(total, (c + 1) * size); n++)
                    sample(part, n);
            });
        }
    }
}
