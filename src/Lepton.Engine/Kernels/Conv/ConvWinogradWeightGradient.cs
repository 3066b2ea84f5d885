using System.Buffers;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Weight gradient of a Winograd F(2x2, 3x3) convolution (<see cref="ConvWinograd"/>): ∂U_ξ = Σ_tiles (A ∂Y Aᵀ)_ξ ⊗ (Bᵀ d B)_ξ,
/// 16 products as deep as the tiles, then gw = Gᵀ ∂U G. Each chunk of samples sums into its own partial and the
/// partials are added in chunk order, so the result does not depend on the thread count.
/// </summary>
internal static class ConvWinogradWeightGradient
{
    private const int Points = ConvWinogradTransforms.Points, V = ConvWinogradTransforms.V, Rows = 8, Lanes = 32;

    // Tiles transformed at once: their V and ∂M (192 KiB for 32 in, 64 out channels) stay in L2 through the products.
    private const int BlockTiles = 64;

    /// <summary>gw (O,C,3,3) overwritten with the weight gradient of conv(x, w) from gy (N,O,OH,OW).</summary>
    public static void Compute(float[] x, int xOffset, float[] gy, ConvGeometry g, float[] gw)
    {
        int cinPad = RoundUp(g.C, V), coutPad = RoundUp(g.O, Lanes), slice = Points * cinPad * coutPad;
        int tileRows = (g.OH + 1) / 2, tileCols = (g.OW + 1) / 2;
        int inSize = (2 * tileRows + 2) * (2 * tileCols + 2) * cinPad, outSize = 2 * tileRows * 2 * tileCols * coutPad;
        int chunk = Conv2dKernels.SamplesPerChunk(g), count = (g.N + chunk - 1) / chunk;
        int parts = Math.Min(CpuParallel.ThreadCount, count);
        int scratchSize = chunk * (inSize + outSize) + Points * BlockTiles * (cinPad + coutPad);
        var partials = ArrayPool<float>.Shared.Rent(count * slice);
        var job = SumJob.Current ??= new SumJob();
        try
        {
            job.Scratch.Rent(parts, scratchSize);
            job.Start(new Sizes(g, cinPad, coutPad, tileRows, tileCols, inSize, outSize, !ConvWinograd.Wide), x, xOffset, gy, partials, slice, chunk,
                count, parts, Conv2dKernels.ChunkCost(g, chunk) / 2 * count / parts);
            var sum = partials.AsSpan(0, slice);
            for (int c = 1; c < count; c++) VectorMath.AddTo<float>(partials.AsSpan(c * slice, slice), sum);
            ConvWinogradTransforms.UnpackWeightGradient(partials, g.O, g.C, cinPad, coutPad, gw);
        }
        finally
        {
            job.Clear();
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    // Compute's chunk loop: chunk c sums into partial c. One per thread, reused call after call.
    private sealed class SumJob : ConvChunkJob
    {
        [ThreadStatic] public static SumJob? Current;
        public readonly ScratchSlots Scratch = new();
        private Sizes _sizes;
        private float[] _x = null!, _gy = null!, _partials = null!;
        private int _xOffset, _slice, _chunk;

        public void Start(Sizes sizes, float[] x, int xOffset, float[] gy, float[] partials, int slice, int chunk, int count, int parts, long cost)
        {
            (_sizes, _x, _xOffset, _gy, _partials, _slice, _chunk) = (sizes, x, xOffset, gy, partials, slice, chunk);
            RunChunks(count, parts, cost);
        }

        protected override void RunChunk(int part, int c) =>
            _sizes.Chunk(_x, _xOffset, _gy, c * _chunk, Math.Min(_chunk, _sizes.G.N - c * _chunk), Scratch[part], _partials, c * _slice);

        // Drops the call's arrays and gives the scratch back.
        public void Clear()
        {
            (_x, _gy, _partials) = (null!, null!, null!);
            Scratch.Return();
        }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    // Narrow: the 256-bit kernels (decided on the calling thread).
    private readonly record struct Sizes(ConvGeometry G, int CinPad, int CoutPad, int TileRows, int TileCols, int InSize, int OutSize, bool Narrow)
    {
        // partial[(ξ*cinPad + ci)*coutPad + co] = Σ over the chunk's tiles, in order, of V_ξ[ci] · ∂M_ξ[co].
        public unsafe void Chunk(float[] x, int xOffset, float[] gy, int n0, int nb, float[] scratch, float[] partials, int sliceOffset)
        {
            var g = G;
            int cinPad = CinPad, coutPad = CoutPad, tiles = TileRows * TileCols, used = nb * tiles;
            int wp = 2 * TileCols + 2, wo = 2 * TileCols;
            fixed (float* px = x, pg = gy, sc = scratch, pp = partials)
            {
                float* pixels = sc, grads = pixels + (long)nb * InSize, vb = grads + (long)nb * OutSize,
                    mb = vb + Points * BlockTiles * cinPad, du = pp + sliceOffset;
                for (int n = 0; n < nb; n++)
                {
                    ConvWinogradTransforms.ChannelsLast(px + xOffset + (long)(n0 + n) * g.C * g.H * g.W, g.C, g.H, g.W, g.PH, g.PW,
                        pixels + (long)n * InSize, 2 * TileRows + 2, wp, cinPad);
                    // Output-gradient pixels past an odd-sized output are zeros: the forward computed and dropped them.
                    ConvWinogradTransforms.ChannelsLast(pg + (long)(n0 + n) * g.O * g.OH * g.OW, g.O, g.OH, g.OW, 0, 0,
                        grads + (long)n * OutSize, 2 * TileRows, wo, coutPad);
                }
                long ldv = (long)BlockTiles * cinPad, ldm = (long)BlockTiles * coutPad;
                for (int t0 = 0; t0 < used; t0 += BlockTiles)
                {
                    int k = Math.Min(BlockTiles, used - t0);
                    for (int i = 0; i < k; i++)
                    {
                        int t = t0 + i, n = t / tiles, th = t % tiles / TileCols, tw = t % TileCols;
                        float* corner = pixels + (long)n * InSize + (2 * th * wp + 2 * tw) * cinPad;
                        float* grad = grads + (long)n * OutSize + (2 * th * wo + 2 * tw) * coutPad;
                        if (Narrow)
                        {
                            ConvWinogradTransforms.InputTile256(corner, wp, cinPad, vb + i * cinPad, ldv);
                            ConvWinogradTransforms.GradTile256(grad, wo, coutPad, mb + i * coutPad, ldm);
                        }
                        else
                        {
                            ConvWinogradTransforms.InputTile(corner, wp, cinPad, vb + i * cinPad, ldv);
                            ConvWinogradTransforms.GradTile(grad, wo, coutPad, mb + i * coutPad, ldm);
                        }
                    }
                    for (int xi = 0; xi < Points; xi++)
                    for (int ci = 0; ci < cinPad; ci += Rows)
                    for (int co = 0; co < coutPad; co += Lanes)
                    {
                        float* a = vb + xi * ldv + ci, b = mb + xi * ldm + co, d = du + ((long)xi * cinPad + ci) * coutPad + co;
                        if (Narrow) ConvWinogradKernel.Sum8x32Avx2(k, a, cinPad, b, coutPad, d, coutPad, accumulate: t0 > 0);
                        else ConvWinogradKernel.Sum8x32(k, a, cinPad, b, coutPad, d, coutPad, accumulate: t0 > 0);
                    }
                }
            }
        }
    }
}
