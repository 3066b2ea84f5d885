using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// 3x3 stride-1 convolutions by Winograd F(2x2, 3x3): each 2x2 output tile takes 16 multiplies per channel pair
/// instead of 36. Per chunk of samples the input tiles are transformed (V_ξ, channels by tiles), 16 products
/// M_ξ = U_ξ V_ξ run on 8x32 register tiles (<see cref="ConvWinogradKernel"/>), and M is
/// transformed back (<see cref="ConvWinogradTransforms"/>). The forward takes F(4x4, 3x3) instead (36 products per
/// 4x4 tile, <see cref="ConvWinograd4Transforms"/>) where that needs fewer products over the output (<see cref="ForwardTile"/>).
/// The input gradient is the same convolution of the output gradient with the flipped, transposed weight (always
/// F(2x2): training keeps its error small); the weight gradient is <see cref="ConvWinogradWeightGradient"/>.
/// Every output tile is computed alone, in a fixed order of
/// channels, so results depend neither on the thread count nor on how samples are chunked. Without AVX-512 all of it runs in
/// 256-bit vectors (files *.Avx2.cs), with the same bits.
/// </summary>
internal static class ConvWinograd
{
    /// <summary>Turns this path off for convolutions called on the current thread (tests run the direct path on the same shapes).</summary>
    [ThreadStatic] internal static bool Disabled;

    /// <summary>Calls on this thread take the 256-bit kernels, as on a CPU without AVX-512 (tests of that path).</summary>
    [ThreadStatic] internal static bool ForceAvx2;

    // Whether this thread's calls take the 512-bit kernels; otherwise the 256-bit ones.
    internal static bool Wide => Avx512F.IsSupported && Vector512.IsHardwareAccelerated && !ForceAvx2;

    /// <summary>Tests lift the size minimums on the current thread to reach this path on small shapes.</summary>
    [ThreadStatic] internal static bool AnySize;

    // Below this many input or output channels the 16 products are too thin to pay for the transforms (and a
    // one-channel first layer is bound by writing its output, not by multiplies). No minimum batch: a batch gives each
    // sample the bits it gets alone (ConvThreadingTests), though one sample barely pays for transforming the weights.
    private const int MinChannels = 8;

    /// <summary>Tests force the forward's output tile (2 or 4) on the current thread; 0 lets <see cref="ForwardTile"/> choose.</summary>
    [ThreadStatic] internal static int TileOverride;

    private const int BlockTiles = 8, TileWidth = 32, V = ConvWinogradTransforms.V;

    // A single sample is cut across threads from this many point products (see Plan.RowParts).
    private const long MinRowSplitProducts = 256 * 1024;

    /// <summary>Whether the forward of g runs here: a 3x3 undilated, ungrouped stride-1 convolution the stride-1 path takes.</summary>
    public static bool AppliesForward(ConvGeometry g) =>
        Fits(g) && (AnySize || (g.C >= MinChannels && g.O >= MinChannels));

    /// <summary>Whether the input gradient of g runs here (the same convolution with input and output channels swapped).</summary>
    public static bool AppliesInputGradient(ConvGeometry g) => AppliesForward(g);

    /// <summary>Whether the weight gradient of g runs here (<see cref="ConvWinogradWeightGradient"/>).</summary>
    public static bool AppliesWeightGradient(ConvGeometry g) => AppliesForward(g);

    /// <summary>
    /// The forward's output tile of g: 4 (F(4x4, 3x3), 36 points) where its tiles need fewer point products than F(2x2)'s
    /// 16-point ones (14x14: 16 x 36 = 576 against 49 x 16 = 784), else 2; 0 where the forward does not run here. It depends
    /// on the output size only, never on the batch, so a sample gets the same bits in any batch.
    /// </summary>
    public static int ForwardTile(ConvGeometry g)
    {
        if (!AppliesForward(g)) return 0;
        if (TileOverride != 0) return TileOverride;
        long f4 = (long)((g.OH + 3) / 4) * ((g.OW + 3) / 4) * ConvWinograd4Transforms.Points;
        long f2 = (long)((g.OH + 1) / 2) * ((g.OW + 1) / 2) * ConvWinogradTransforms.Points;
        return f4 < f2 ? 4 : 2;
    }

    private static bool Fits(ConvGeometry g) =>
        !Disabled && g.KH == 3 && g.KW == 3 && g.DH == 1 && g.DW == 1 && g.Groups == 1 && (Wide ? ConvStride1.DirectApplies(g) : FitsAvx2(g));

    // Without AVX-512 (where the direct stride-1 kernels do not run): the geometries they would take, on AVX2 with FMA.
    private static bool FitsAvx2(ConvGeometry g) =>
        Avx2.IsSupported && Fma.IsSupported && !ConvStride1.Disabled && ConvPaddedLayout.Fits(g)
        && Gemm.KernelOverride is GemmKernelKind.Auto or GemmKernelKind.Avx2;

    /// <summary>
    /// y (N,O,OH,OW) = conv(x (N,C,H,W), w (O,C,3,3)) + bias; <paramref name="packedWeights"/>, when given, is
    /// <see cref="PackWeights"/> of w (a read-only weight transformed once) and saves transforming it per call. With
    /// <see cref="ConvTail.ReluMaxPool2x2"/>, y is MaxPool2x2(ReLU(conv)) (N,O,OH/2,OW/2), each sample pooled while in cache.
    /// </summary>
    public static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y,
        float[]? packedWeights = null, ConvTail tail = ConvTail.None)
    {
        var plan = new Plan(g, ForwardTile(g), g.C, g.H, g.W, g.PH, g.PW, g.O, g.OH, g.OW) { Narrow = !Wide };
        if (packedWeights is not null)
        {
            plan.Run(x, xOffset, packedWeights, bias, biasOffset, y, tail);
            return;
        }
        var pack = ArrayPool<float>.Shared.Rent(plan.PackSize);
        try
        {
            plan.PackForward(w, wOffset, pack);
            plan.Run(x, xOffset, pack, bias, biasOffset, y, tail);
        }
        finally { ArrayPool<float>.Shared.Return(pack); }
    }

    /// <summary>
    /// The forward's transformed weights U (16 or 36 points as <see cref="ForwardTile"/> of g, input by output channels) of w,
    /// to pass to <see cref="Forward"/> with an unchanged w and a g of the same tile.
    /// </summary>
    public static float[] PackWeights(float[] w, int wOffset, ConvGeometry g)
    {
        var plan = new Plan(g, ForwardTile(g), g.C, g.H, g.W, g.PH, g.PW, g.O, g.OH, g.OW);
        var pack = new float[plan.PackSize];
        plan.PackForward(w, wOffset, pack);
        return pack;
    }

    /// <summary>gx (N,C,H,W) overwritten with the input gradient from gy (N,O,OH,OW).</summary>
    public static void InputGradient(float[] w, int wOffset, float[] gy, ConvGeometry g, float[] gx)
    {
        var layout = new ConvPaddedLayout(g);
        var plan = new Plan(g, 2, g.O, g.OH, g.OW, layout.GradPadH, layout.GradPadW, g.C, g.H, g.W) { Narrow = !Wide };
        var pack = ArrayPool<float>.Shared.Rent(plan.PackSize);
        try
        {
            ConvWinogradTransforms.PackWeights(w, wOffset, g.C, g.O, flipTranspose: true, pack, plan.CinPad, plan.CoutPad);
            plan.Run(gy, 0, pack, null, 0, gx);
        }
        finally { ArrayPool<float>.Shared.Return(pack); }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    // One Winograd convolution: src (N,cin,h,w) padded by (top,left) → dst (N,cout,oh,ow), chunked as g is in
    // Conv2dKernels, by output tiles of m x m (2: F(2x2, 3x3), 4: F(4x4, 3x3)). Per chunk: every sample's pixels
    // channels-last (p), then blocks of 8 tiles (across samples) go through input transform (vb), (m+2)² products (mb)
    // and output transform into channels-last outputs (o), all in cache. Tiles past oh or ow are computed and dropped.
    private readonly struct Plan(ConvGeometry g, int m, int cin, int h, int w, int top, int left, int cout, int oh, int ow)
    {
        // The 256-bit kernels, decided on the calling thread.
        public bool Narrow { get; init; }

        public int TileRows => (oh + m - 1) / m;
        private int TileCols => (ow + m - 1) / m;
        private int Points => (m + 2) * (m + 2);
        public int CinPad => RoundUp(cin, V);
        public int CoutPad => RoundUp(cout, TileWidth);
        // Pixels of a channels-last input: the tiles' (m+2)x(m+2) windows, m apart, padding included.
        private int InputSize => (m * TileRows + 2) * (m * TileCols + 2) * CinPad;
        private int OutputSize => m * TileRows * m * TileCols * CoutPad;
        // A point's block of 8 tiles in vb and mb, one vector longer than 8 rows: at 8 x 32 or 8 x 64 floats (1 or 2 KiB)
        // the 36 points of one tile would fall on 2 to 4 of L1's 64 sets and evict each other in the transforms.
        private int Ldv => BlockTiles * CinPad + V;
        private int Ldm => BlockTiles * CoutPad + V;

        // The forward's U of w (O,C,3,3) for this plan's tile.
        public void PackForward(float[] wt, int wOffset, float[] pack)
        {
            if (m == 4) ConvWinograd4Transforms.PackWeights(wt, wOffset, cout, cin, pack, CinPad, CoutPad);
            else ConvWinogradTransforms.PackWeights(wt, wOffset, cout, cin, flipTranspose: false, pack, CinPad, CoutPad);
        }

        public int PackSize => Points * CinPad * CoutPad;

        public int Samples => g.N;

        public void Run(float[] src, int srcOffset, float[] pack, float[]? bias, int biasOffset, float[] dst, ConvTail tail = ConvTail.None)
        {
            int chunk = Conv2dKernels.SamplesPerChunk(g), count = (g.N + chunk - 1) / chunk;
            int rowParts = RowParts();
            int parts = rowParts > 0 ? rowParts : Math.Min(CpuParallel.ThreadCount, count);
            int scratchSize = chunk * (InputSize + OutputSize) + Points * (Ldv + Ldm);
            var biasPad = ArrayPool<float>.Shared.Rent(CoutPad);
            for (int co = 0; co < CoutPad; co++) biasPad[co] = bias is not null && co < cout ? bias[biasOffset + co] : 0f;
            var job = PlanJob.Current ??= new PlanJob();
            try
            {
                job.Scratch.Rent(parts, scratchSize);
                if (tail == ConvTail.ReluMaxPool2x2) job.Planes.Rent(parts, cout * oh * ow);
                job.Start(this, src, srcOffset, pack, biasPad, dst, chunk, count, parts, Conv2dKernels.ChunkCost(g, chunk) / 2 * count / parts, tail,
                    rowParts);
            }
            finally
            {
                job.Clear();
                ArrayPool<float>.Shared.Return(biasPad);
            }
        }

        // One sample (a served request) is cut by tile rows across the threads when its products are worth a hand-off
        // (the reference CNN's conv2: 1.2M, about 20 µs on one core); 0 where it runs whole.
        private int RowParts()
        {
            long products = (long)TileRows * TileCols * Points * CinPad * CoutPad;
            if (g.N != 1 || CpuParallel.ThreadCount < 2 || CpuParallel.InSplitBody || TileRows < 2 || products < MinRowSplitProducts) return 0;
            return Math.Min(CpuParallel.ThreadCount, TileRows);
        }

        // With planes (a sample's channels-first output, in cache) each sample is written there and pooled into dst.
        // A single sample (nb == 1) may be cut by tile rows: [tr0, tr1) converts only the input rows those tiles read and
        // writes only the output rows they make (pooled rows too, as m is even), so parts of a sample run on their own.
        public unsafe void Chunk(float[] src, int srcOffset, float[] pack, float[] biasPad, float[] dst, int n0, int nb, float[] scratch,
            float[]? planes = null, int tr0 = 0, int tr1 = -1, bool relu = false)
        {
            int tileRows = TileRows, tileCols = TileCols, tiles = tileRows * tileCols;
            if (tr1 < 0) tr1 = tileRows;
            if (nb != 1 && (tr0 != 0 || tr1 != tileRows)) throw new ArgumentException("ConvWinograd: only a single sample is cut by tile rows.");
            int first = tr0 * tileCols, used = nb == 1 ? tr1 * tileCols : nb * tiles;
            int rowFirst = m * tr0, rowEnd = Math.Min(oh, m * tr1);
            int cinPad = CinPad, coutPad = CoutPad, inSize = InputSize, outSize = OutputSize, wp = m * tileCols + 2, wo = m * tileCols;
            int points = Points;
            fixed (float* ps = src, pu = pack, pb = biasPad, pd = dst, sc = scratch)
            {
                float* pixels = sc, outs = pixels + nb * inSize, vb = outs + nb * outSize, mb = vb + points * Ldv;
                for (int n = 0; n < nb; n++)
                    ConvWinogradTransforms.ChannelsLastRows(ps + srcOffset + (long)(n0 + n) * cin * h * w, cin, h, w, top, left,
                        pixels + (long)n * inSize, wp, cinPad, rowFirst, m * tr1 + 2);
                long ldv = Ldv, ldm = Ldm;
                for (int t0 = first; t0 < used; t0 += BlockTiles)
                {
                    for (int i = 0; i < BlockTiles; i++)
                    {
                        int t = t0 + i;
                        if (t >= used)
                        {
                            // Tiles past the chunk's last one: zeros, products computed and never read.
                            for (int xi = 0; xi < points; xi++) new Span<float>(vb + xi * ldv + i * cinPad, cinPad).Clear();
                            continue;
                        }
                        int n = t / tiles, th = t % tiles / tileCols, tw = t % tileCols;
                        float* corner = pixels + (long)n * inSize + (m * th * wp + m * tw) * cinPad;
                        float* v = vb + i * cinPad;
                        if (m == 4)
                        {
                            if (Narrow) ConvWinograd4Transforms.InputTile256(corner, wp, cinPad, v, ldv);
                            else ConvWinograd4Transforms.InputTile(corner, wp, cinPad, v, ldv);
                        }
                        else if (Narrow) ConvWinogradTransforms.InputTile256(corner, wp, cinPad, v, ldv);
                        else ConvWinogradTransforms.InputTile(corner, wp, cinPad, v, ldv);
                    }
                    for (int xi = 0; xi < points; xi++)
                    for (int co = 0; co < coutPad; co += TileWidth)
                    {
                        float* bp = pu + (long)xi * cinPad * coutPad + co, mp = mb + xi * ldm + co;
                        if (Narrow) ConvWinogradKernel.Product8x32Avx2(cinPad, vb + xi * ldv, cinPad, bp, coutPad, mp, coutPad);
                        else ConvWinogradKernel.Product8x32(cinPad, vb + xi * ldv, cinPad, bp, coutPad, mp, coutPad);
                    }
                    for (int i = 0; i < BlockTiles && t0 + i < used; i++)
                    {
                        int t = t0 + i, n = t / tiles, th = t % tiles / tileCols, tw = t % tileCols;
                        float* o = outs + (long)n * outSize + (m * th * wo + m * tw) * coutPad;
                        float* mi = mb + i * coutPad;
                        if (m == 4)
                        {
                            if (Narrow) ConvWinograd4Transforms.OutputTile256(mi, ldm, coutPad, pb, o, wo);
                            else ConvWinograd4Transforms.OutputTile(mi, ldm, coutPad, pb, o, wo);
                        }
                        else if (Narrow) ConvWinogradTransforms.OutputTile256(mi, ldm, coutPad, pb, o, wo);
                        else ConvWinogradTransforms.OutputTile(mi, ldm, coutPad, pb, o, wo);
                    }
                }
                for (int n = 0; n < nb; n++)
                {
                    if (planes is null)
                    {
                        ConvWinogradTransforms.ChannelsFirstRows(outs + (long)n * outSize, wo, coutPad, cout, oh, ow,
                            pd + (long)(n0 + n) * cout * oh * ow, rowFirst, rowEnd);
                        if (relu) ReluInPlace.Rows(dst, (n0 + n) * cout * oh * ow, cout, oh, ow, rowFirst, rowEnd);
                        continue;
                    }
                    fixed (float* pp = planes)
                        ConvWinogradTransforms.ChannelsFirstRows(outs + (long)n * outSize, wo, coutPad, cout, oh, ow, pp, rowFirst, rowEnd);
                    MaxPool2x2.ReluPoolPlaneRows(planes, 0, cout, oh, ow, dst, (n0 + n) * cout * (oh / 2) * (ow / 2), rowFirst / 2, rowEnd / 2);
                }
            }
        }
    }

    // Plan.Run's chunk loop; one per thread, reused call after call.
    private sealed class PlanJob : ConvChunkJob
    {
        [ThreadStatic] public static PlanJob? Current;
        public readonly ScratchSlots Scratch = new(), Planes = new();
        private Plan _plan;
        private float[] _src = null!, _pack = null!, _biasPad = null!, _dst = null!;
        private int _srcOffset, _chunk, _total, _rowParts;
        private ConvTail _tail;

        // rowParts > 0: the one sample cut into that many parts by tile rows, one per thread.
        public void Start(Plan plan, float[] src, int srcOffset, float[] pack, float[] biasPad, float[] dst, int chunk, int count, int parts,
            long cost, ConvTail tail, int rowParts)
        {
            (_plan, _src, _srcOffset, _pack, _biasPad, _dst, _chunk, _total, _tail, _rowParts) =
                (plan, src, srcOffset, pack, biasPad, dst, chunk, plan.Samples, tail, rowParts);
            if (rowParts > 0) RunEachPart(rowParts);
            else RunChunks(count, parts, cost);
        }

        protected override void RunChunk(int part, int c)
        {
            var planes = _tail == ConvTail.ReluMaxPool2x2 ? Planes[part] : null;
            bool relu = _tail == ConvTail.Relu;
            if (_rowParts > 0)
            {
                int rows = _plan.TileRows;
                _plan.Chunk(_src, _srcOffset, _pack, _biasPad, _dst, 0, 1, Scratch[part], planes, rows * c / _rowParts, rows * (c + 1) / _rowParts, relu);
                return;
            }
            int n0 = c * _chunk;
            _plan.Chunk(_src, _srcOffset, _pack, _biasPad, _dst, n0, Math.Min(_chunk, _total - n0), Scratch[part], planes, relu: relu);
        }

        // Drops the call's arrays and gives the scratch back.
        public void Clear()
        {
            (_src, _pack, _biasPad, _dst) = (null!, null!, null!, null!);
            Scratch.Return();
            Planes.Return();
        }
    }
}
