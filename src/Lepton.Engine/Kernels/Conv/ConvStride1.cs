using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Stride-1 convolution in float without an im2col matrix: register tiles read a zero-padded copy of each
/// sample through tap offsets (<see cref="ConvPaddedLayout"/>). The input gradient is itself a stride-1
/// convolution of the padded output gradient with the flipped, transposed weight, so no col2im is needed
/// either; the weight gradient reads the same padded input (<see cref="ConvWeightGradient"/>). Threads take whole
/// chunks of samples, cut exactly as <see cref="Conv2dKernels"/> cuts them, so results do not depend on the thread count.
/// Deep 3x3 layers go to <see cref="ConvWinograd"/> instead (forward without prepacked panels, and both gradients).
/// </summary>
internal static class ConvStride1
{
    /// <summary>Turns this path off for convolutions called on the current thread (tests run the im2col path on the same shapes).</summary>
    [ThreadStatic] internal static bool Disabled;

    /// <summary>
    /// Whether this geometry runs here on this thread: the direct kernels apply (<see cref="DirectApplies"/>), or Winograd
    /// takes it, which without AVX-512 it does in 256-bit kernels for its forward and both gradients.
    /// </summary>
    public static bool Applies(ConvGeometry g) => DirectApplies(g) || ConvWinograd.AppliesForward(g);

    /// <summary>Whether the direct tap-offset kernels (AVX-512) run g: stride 1, padding within the kernel, AVX-512 not overridden.</summary>
    internal static bool DirectApplies(ConvGeometry g)
    {
        var kind = Gemm.KernelOverride;
        return !Disabled && ConvPaddedLayout.Fits(g) && Avx512F.IsSupported && Vector512.IsHardwareAccelerated
            && (kind == GemmKernelKind.Auto || kind == GemmKernelKind.Avx512);
    }

    private const int TileWidth = 32, PanelRows = 8;

    // Weight rows packed at once per tile sweep: 32K floats (128 KiB) stay in L2 while the tiles pass over them.
    private static int BlockRows(int k) => Math.Max(PanelRows, 32_768 / Math.Max(k, 1) / PanelRows * PanelRows);

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    /// <summary>The forward weight panels of w for this geometry, to pass to <see cref="Forward"/> on every call with an unchanged w.</summary>
    public static float[] PackWeights(float[] w, int wOffset, ConvGeometry g)
    {
        var pack = new float[g.Groups * RoundUp(g.Og, PanelRows) * g.GroupK];
        ConvWeightPacking.PackForward(w, wOffset, g, pack);
        return pack;
    }

    /// <summary>
    /// y (N,O,OH,OW) = conv(x, w) + bias, threads taking whole chunks of samples as Conv2dKernels does; packedWeights,
    /// when given, is <see cref="PackWeights"/> of w and saves packing it again (a served model's weights). With
    /// <paramref name="relu"/>, each sample's output goes through ReLU while it is in cache.
    /// </summary>
    public static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y,
        float[]? packedWeights = null, bool relu = false) =>
        Forward(x, xOffset, w, wOffset, bias, biasOffset, g, y, packedWeights, relu ? ConvTail.Relu : ConvTail.None);

    /// <summary>
    /// MaxPool2x2(ReLU(conv(x, w) + bias)) into <paramref name="pooled"/> (N,O,OH/2,OW/2), OH and OW even: each sample's
    /// convolution goes to a scratch plane set that stays in cache and is pooled from there, so the full-size output is
    /// never written to memory or read back (inference; the values are those of the three ops in a row).
    /// </summary>
    public static void ForwardReluMaxPool(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g,
        float[] pooled, float[]? packedWeights = null) =>
        Forward(x, xOffset, w, wOffset, bias, biasOffset, g, pooled, packedWeights, ConvTail.ReluMaxPool2x2);

    private static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y,
        float[]? packedWeights, ConvTail tail)
    {
        // Prepacked weights are in the form of the path that takes g (see Conv2dKernels.PackWeights).
        if (ConvWinograd.AppliesForward(g))
        {
            ConvWinograd.Forward(x, xOffset, w, wOffset, bias, biasOffset, g, y, packedWeights, tail);
            return;
        }
        var layout = new ConvPaddedLayout(g);
        int gk = g.GroupK, groupRows = RoundUp(g.Og, PanelRows), plane = g.OH * g.OW;
        var rented = packedWeights is null ? ArrayPool<float>.Shared.Rent(g.Groups * groupRows * gk) : null;
        var pack = packedWeights ?? rented!;
        var off = ArrayPool<int>.Shared.Rent(gk);
        var biasPad = ArrayPool<float>.Shared.Rent(g.Groups * groupRows);
        var halves = layout.Halves(g.OH, g.OW, out int tiles);
        if (rented is not null) ConvWeightPacking.PackForward(w, wOffset, g, pack);
        ConvWeightPacking.ForwardOffsets(g, layout, off, gk);
        ConvWeightPacking.PadBias(bias, biasOffset, g.Groups, g.Og, groupRows, biasPad);
        var chunks = new Chunks(g);
        var job = ForwardJob.Current ??= new ForwardJob();
        try
        {
            job.Xpads.Rent(chunks.Parts, layout.InputSize(g));
            var sweep = new Sweep(pack, groupRows, g.Og, gk, off, biasPad, g.Groups, tiles, halves);
            if (OneSampleSplits(g, tail))
            {
                job.StartRows(layout, g, x, xOffset, y, sweep, tail, Math.Min(CpuParallel.ThreadCount, groupRows / PanelRows));
                return;
            }
            if (tail == ConvTail.ReluMaxPool2x2) job.Outs.Rent(chunks.Parts, g.O * plane);
            job.Start(chunks, layout, g, x, xOffset, y, sweep, tail);
        }
        finally
        {
            job.Clear();
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
            ArrayPool<int>.Shared.Return(off);
            ArrayPool<float>.Shared.Return(biasPad);
            ArrayPool<int>.Shared.Return(halves);
        }
    }

    // One sample worth splitting (a MobileNet's pointwise layers at batch 1: 1.6-3.2M multiply-adds) has its output channels
    // cut across the threads, after one padding; each output is the same kernel's sum either way, so the same bits.
    private static bool OneSampleSplits(ConvGeometry g, ConvTail tail) =>
        g.Groups == 1 && tail != ConvTail.ReluMaxPool2x2 && g.O >= 2 * PanelRows && Conv2dKernels.OneSampleWorthSplitting(g);

    // Forward's chunk loop: each sample padded into the part's slot, then swept. One per thread, reused. With row parts,
    // the one sample is padded once and part p sweeps its share of the 8-row weight panels.
    private sealed class ForwardJob : ConvChunkJob
    {
        [ThreadStatic] public static ForwardJob? Current;
        public readonly ScratchSlots Xpads = new(), Outs = new();
        private Chunks _chunks;
        private ConvPaddedLayout _layout;
        private ConvGeometry _g;
        private float[] _x = null!, _y = null!;
        private int _xOffset;
        private Sweep _sweep;
        private ConvTail _tail;
        private int _rowParts;

        public void StartRows(ConvPaddedLayout layout, ConvGeometry g, float[] x, int xOffset, float[] y, Sweep sweep, ConvTail tail, int parts)
        {
            (_layout, _g, _x, _xOffset, _y, _sweep, _tail, _rowParts) = (layout, g, x, xOffset, y, sweep, tail, parts);
            layout.Pad(x, xOffset, g.C, g.H, g.W, g.PH, g.PW, layout.Hp, Xpads[0]);
            RunEachPart(parts);
        }

        public void Start(Chunks chunks, ConvPaddedLayout layout, ConvGeometry g, float[] x, int xOffset, float[] y, Sweep sweep, ConvTail tail)
        {
            (_chunks, _layout, _g, _x, _xOffset, _y, _sweep, _tail, _rowParts) = (chunks, layout, g, x, xOffset, y, sweep, tail, 0);
            RunChunks(chunks.Count, chunks.Parts, chunks.Cost);
        }

        protected override void RunChunk(int part, int c)
        {
            var g = _g;
            int plane = g.OH * g.OW;
            if (_rowParts > 0)
            {
                int panels = (g.O + PanelRows - 1) / PanelRows;
                int r0 = panels * c / _rowParts * PanelRows, r1 = Math.Min(g.O, panels * (c + 1) / _rowParts * PanelRows);
                _sweep.Run(Xpads[0], g.Cg * _layout.InputPlane, _y, 0, plane, r0, r1);
                if (_tail == ConvTail.Relu) ReluInPlace.Apply(_y.AsSpan(r0 * plane, (r1 - r0) * plane));
                return;
            }
            for (int n = _chunks.First(c); n < _chunks.End(c); n++)
            {
                _layout.Pad(_x, _xOffset + n * g.C * g.H * g.W, g.C, g.H, g.W, g.PH, g.PW, _layout.Hp, Xpads[part]);
                if (_tail != ConvTail.ReluMaxPool2x2)
                {
                    _sweep.Run(Xpads[part], g.Cg * _layout.InputPlane, _y, n * g.O * plane, plane);
                    if (_tail == ConvTail.Relu) ReluInPlace.Apply(_y.AsSpan(n * g.O * plane, g.O * plane));
                    continue;
                }
                _sweep.Run(Xpads[part], g.Cg * _layout.InputPlane, Outs[part], 0, plane);
                MaxPool2x2.ReluPoolPlanes(Outs[part], 0, g.O, g.OH, g.OW, _y, n * g.O * (plane / 4));
            }
        }

        // Drops the call's arrays and gives the scratch back.
        public void Clear()
        {
            (_x, _y, _sweep) = (null!, null!, default);
            Xpads.Return();
            Outs.Return();
        }
    }

    /// <summary>
    /// gx (N,C,H,W), gw (O,Cg,KH,KW) and gb (O) overwritten from gy; null for one not wanted. gb is only computed
    /// together with gw (the same pass over gy).
    /// </summary>
    public static void Backward(float[] x, int xOffset, float[] w, int wOffset, float[] gy, ConvGeometry g, float[]? gx, float[]? gw,
        float[]? gb)
    {
        if (gx is not null && ConvWinograd.AppliesInputGradient(g))
        {
            ConvWinograd.InputGradient(w, wOffset, gy, g, gx);
            gx = null;
        }
        if (gw is not null && ConvWinograd.AppliesWeightGradient(g))
        {
            ConvWinogradWeightGradient.Compute(x, xOffset, gy, g, gw);
            if (gb is not null) Conv2dKernels.BiasGradient(gy, g, gb);
            gw = null;
            gb = null;
        }
        if (gx is null && gw is null) return;
        var layout = new ConvPaddedLayout(g);
        var chunks = new Chunks(g);
        // Input gradient: a convolution of gy padded by D*(K-1)-P with the flipped weight, channels swapped.
        int kB = g.Og * g.KH * g.KW, groupRowsB = RoundUp(g.Cg, PanelRows);
        var packB = gx is null ? null : ArrayPool<float>.Shared.Rent(g.Groups * groupRowsB * kB);
        var offB = gx is null ? null : ArrayPool<int>.Shared.Rent(kB);
        var zeros = gx is null ? null : ArrayPool<float>.Shared.Rent(g.Groups * groupRowsB);
        int tilesB = 0;
        var halvesB = gx is null ? null : layout.Halves(g.H, g.W, out tilesB);
        var job = BackwardJob.Current ??= new BackwardJob();
        bool finished = false;
        try
        {
            if (gx is not null) job.Gpads.Rent(chunks.Parts, layout.GradSize(g));
            if (gw is not null)
            {
                job.Xpads.Rent(chunks.Parts, layout.InputSize(g));
                job.Weights.Begin(g, layout, chunks.Count, chunks.Parts, gb is not null);
            }
            if (packB is not null) ConvWeightPacking.PackInputGradient(w, wOffset, g, packB);
            if (offB is not null) ConvWeightPacking.InputGradientOffsets(g, layout, offB);
            zeros?.AsSpan(0, g.Groups * groupRowsB).Clear();
            var sweepB = gx is null ? default : new Sweep(packB!, groupRowsB, g.Cg, kB, offB!, zeros!, g.Groups, tilesB, halvesB!);
            job.Start(chunks, layout, g, x, xOffset, gy, gx, sweepB, gw is not null);
            if (gw is not null) job.Weights.Finish(chunks.Count, gw, gb);
            finished = true;
        }
        finally
        {
            if (gw is not null && !finished) job.Weights.Finish(chunks.Count, null, null);
            job.Clear();
            if (packB is not null) ArrayPool<float>.Shared.Return(packB);
            if (offB is not null) ArrayPool<int>.Shared.Return(offB);
            if (zeros is not null) ArrayPool<float>.Shared.Return(zeros);
            if (halvesB is not null) ArrayPool<int>.Shared.Return(halvesB);
        }
    }

    // Backward's chunk loop: per sample, the input gradient's sweep over the padded gy and the weight gradient's pass
    // over the padded x. One per thread, reused call after call.
    private sealed class BackwardJob : ConvChunkJob
    {
        [ThreadStatic] public static BackwardJob? Current;
        public readonly ScratchSlots Gpads = new(), Xpads = new();
        public readonly ConvWeightGradient Weights = new();
        private Chunks _chunks;
        private ConvPaddedLayout _layout;
        private ConvGeometry _g;
        private float[] _x = null!, _gy = null!;
        private float[]? _gx;
        private int _xOffset;
        private Sweep _sweepB;
        private bool _weights;

        public void Start(Chunks chunks, ConvPaddedLayout layout, ConvGeometry g, float[] x, int xOffset, float[] gy, float[]? gx,
            Sweep sweepB, bool weights)
        {
            (_chunks, _layout, _g, _x, _xOffset, _gy, _gx, _sweepB, _weights) = (chunks, layout, g, x, xOffset, gy, gx, sweepB, weights);
            RunChunks(chunks.Count, chunks.Parts, chunks.Cost);
        }

        protected override void RunChunk(int part, int c)
        {
            var g = _g;
            int q = g.OH * g.OW;
            int first = _chunks.First(c), end = _chunks.End(c);
            for (int n = first; n < end; n++)
            {
                if (_gx is not null)
                {
                    _layout.Pad(_gy, n * g.O * q, g.O, g.OH, g.OW, _layout.GradPadH, _layout.GradPadW, _layout.GradHp, Gpads[part]);
                    _sweepB.Run(Gpads[part], g.Og * _layout.GradPlane, _gx, n * g.C * g.H * g.W, g.H * g.W);
                }
                if (_weights)
                {
                    _layout.Pad(_x, _xOffset + n * g.C * g.H * g.W, g.C, g.H, g.W, g.PH, g.PW, _layout.Hp, Xpads[part]);
                    Weights.Sample(part, n, c, n == first, n == end - 1, Xpads[part], _gy);
                }
            }
        }

        // Drops the call's arrays and gives the scratch back.
        public void Clear()
        {
            (_x, _gy, _gx, _sweepB) = (null!, null!, null, default);
            Gpads.Return();
            Xpads.Return();
        }
    }

    // dst[(gi, row), valid q] = bias[(gi, row)] + Σ_j pack[(gi, row), j] · src[gi*groupStride + off[j] + q]: every
    // 8-row weight panel against every 32-wide tile of the padded output grid, group by group, written straight
    // into the dense output planes (ldd apart) of one sample; only rows [rowFirst, rowEnd) of each group (multiples of 8)
    // when given.
    private readonly struct Sweep(float[] pack, int groupRows, int perGroup, int k, int[] off, float[] bias, int groups,
        int tiles, int[] halves)
    {
        public unsafe void Run(float[] src, int groupStride, float[] dst, int dstOffset, int ldd, int rowFirst = 0, int rowEnd = -1)
        {
            int block = BlockRows(k);
            if (rowEnd < 0) rowEnd = groupRows;
            fixed (float* ps = src, pp = pack, pb = bias, pd = dst)
            fixed (int* po = off, ph = halves)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    float* s = ps + (long)gi * groupStride;
                    for (int r0 = rowFirst; r0 < rowEnd; r0 += block)
                    {
                        int r1 = Math.Min(rowEnd, r0 + block);
                        for (int t = 0; t < tiles; t++)
                        for (int r = r0; r < r1; r += PanelRows)
                        {
                            long row = (long)gi * groupRows + r;
                            float* d = pd + dstOffset + (long)(gi * perGroup + r) * ldd;
                            ConvMicroKernels.Outer8x32(k, pp + row * k, s + t * TileWidth, po, pb + row, d, ldd, ph + 4 * t,
                                Math.Min(PanelRows, perGroup - r));
                        }
                    }
                }
            }
        }
    }

    // The batch cut into chunks of samples exactly as Conv2dKernels cuts it (fixed by N, never by the thread
    // count); part p of the split loop takes chunks [Count*p/Parts, Count*(p+1)/Parts) and uses scratch slot p.
    // Parts is read from the thread count once: scratch slots are rented for it before Run, and ThreadCount may change
    // in between (another thread setting it) without Run indexing past them.
    private readonly struct Chunks
    {
        private readonly ConvGeometry g;

        public Chunks(ConvGeometry geometry)
        {
            g = geometry;
            ChunkSize = Conv2dKernels.SamplesPerChunk(g);
            Count = (g.N + ChunkSize - 1) / ChunkSize;
            Parts = Math.Min(CpuParallel.ThreadCount, Count);
        }

        public readonly int ChunkSize, Count, Parts;

        /// <summary>The first sample of chunk c, and one past its last.</summary>
        public int First(int c) => c * ChunkSize;

        public int End(int c) => Math.Min(g.N, (c + 1) * ChunkSize);

        /// <summary>The work of one part, for CpuParallel.For.</summary>
        public long Cost => Parts == 0 ? 0 : 2 * Conv2dKernels.ChunkCost(g, ChunkSize) * Count / Parts;
    }
}
