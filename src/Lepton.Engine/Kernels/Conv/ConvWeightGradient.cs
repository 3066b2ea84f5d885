using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Weight gradient of the stride-1 path (<see cref="ConvStride1"/>): gw[o, j] = Σ_n Σ_q gy[n, o, q] · x_n[off(j) + q]
/// over valid output positions q, read from each sample's zero-padded input. Each chunk of samples sums into
/// its own partial, and the partials are added in chunk order, so no result depends on the thread count.
/// Deep layers (many taps) run 8-tap by 32-channel register tiles over the output gradient transposed per
/// sample; shallow ones (few taps, like a first layer on 1 channel) run dot products along the output grid,
/// which waste neither taps on 8-row tiles nor time on the transpose.
/// </summary>
internal sealed class ConvWeightGradient
{
    // Below this many taps per group the dot-product tiles (4 channels by 3 taps) win.
    private const int DotMaxTaps = 32;
    private const int Taps8 = 8, Lanes32 = 32, DotO = 4, DotJ = 3, V = 16;

    // Set by Begin for one call; the instance is kept per thread and reused (see ConvStride1.Backward).
    private ConvGeometry _g;
    private ConvPaddedLayout _layout;
    private bool _dot;
    // Transposed-tile layout of a partial: [(gi*_gk8 + j)*_og32 + o]; dot layout keeps lane sums per (o, j) tile.
    private int _gk8, _og32, _ldg, _slice, _rowsG, _planeG, _og4, _gk3, _laneSize, _parts;
    private int[] _off = [];
    private float[] _partials = [];
    // Bias gradient partials, one row of O per chunk (null when the bias gradient is not wanted).
    private float[]? _biasPartials;
    private float[][] _scratch = [], _lanes = [];

    /// <summary>Rents the buffers of one weight gradient over <paramref name="chunks"/> chunks on <paramref name="parts"/> parts; <see cref="Finish"/> returns them.</summary>
    public void Begin(ConvGeometry g, ConvPaddedLayout layout, int chunks, int parts, bool bias)
    {
        _biasPartials = bias ? ArrayPool<float>.Shared.Rent(chunks * g.O) : null;
        _g = g;
        _layout = layout;
        _dot = g.GroupK < DotMaxTaps;
        _gk8 = RoundUp(g.GroupK, Taps8);
        _og32 = RoundUp(g.Og, Lanes32);
        _ldg = g.Groups * _og32;
        _slice = g.Groups * _gk8 * _og32;
        _og4 = RoundUp(g.Og, DotO);
        _gk3 = RoundUp(g.GroupK, DotJ);
        // Dot path: gy on the padded output grid (zeros off the valid columns), rows enough for whole 16-lane steps.
        int steps = (g.OH * layout.Wp + V - 1) / V;
        _rowsG = (steps * V + layout.Wp - 1) / layout.Wp;
        _planeG = _rowsG * layout.Wp;
        _laneSize = g.Groups * _og4 * _gk3 * V;
        _off = ArrayPool<int>.Shared.Rent(Math.Max(_gk8, _gk3));
        ConvWeightPacking.ForwardOffsets(g, layout, _off, Math.Max(_gk8, _gk3));
        _partials = ArrayPool<float>.Shared.Rent(chunks * _slice);
        // The dot path reads up to DotO-1 planes past a group's last channel; they only feed discarded sums.
        int scratch = _dot ? (g.O + DotO) * _planeG + layout.Slack : g.OH * g.OW * _ldg;
        if (_scratch.Length < parts)
        {
            _scratch = new float[parts][];
            _lanes = new float[parts][];
        }
        _parts = parts;
        for (int p = 0; p < parts; p++)
        {
            _scratch[p] = ArrayPool<float>.Shared.Rent(scratch);
            // Lanes the transposed tiles never write (channels past Og) must still be finite: they meet real inputs.
            _scratch[p].AsSpan(0, scratch).Clear();
            _lanes[p] = _dot ? ArrayPool<float>.Shared.Rent(_laneSize) : [];
        }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    /// <summary>Adds sample n (part `part`'s scratch, padded input xpad) into chunk `chunk`'s partial.</summary>
    public void Sample(int part, int n, int chunk, bool first, bool last, float[] xpad, float[] gy)
    {
        int q = _g.OH * _g.OW;
        if (_biasPartials is not null)
        {
            // gy's rows, about to be read (and cached) for the weight gradient anyway.
            var b = _biasPartials.AsSpan(chunk * _g.O, _g.O);
            for (int o = 0; o < _g.O; o++)
            {
                float s = VectorMath.Sum<float>(gy.AsSpan((n * _g.O + o) * q, q));
                b[o] = first ? s : b[o] + s;
            }
        }
        if (_dot)
        {
            _layout.Pad(gy, n * _g.O * q, _g.O, _g.OH, _g.OW, 0, 0, _rowsG, _scratch[part]);
            DotSweep(xpad, _scratch[part], _lanes[part], first);
            if (last) ReduceLanes(_lanes[part], chunk * _slice);
        }
        else
        {
            Transpose(gy, n * _g.O * q, q, _scratch[part]);
            TileSweep(xpad, _scratch[part], chunk * _slice, !first);
        }
    }

    /// <summary>gw (O,Cg,KH,KW) and gb (O) = the sums of the chunks' partials, in chunk order; then the scratch goes back to the pool.</summary>
    public void Finish(int chunks, float[]? gw, float[]? gb)
    {
        if (gw is not null) ConvWeightPacking.SumAndUntranspose(_partials, chunks, _slice, _g, _gk8, _og32, gw);
        if (gb is not null && _biasPartials is not null)
        {
            var sum = gb.AsSpan(0, _g.O);
            _biasPartials.AsSpan(0, _g.O).CopyTo(sum);
            for (int c = 1; c < chunks; c++) VectorMath.AddTo<float>(_biasPartials.AsSpan(c * _g.O, _g.O), sum);
        }
        if (_biasPartials is not null) ArrayPool<float>.Shared.Return(_biasPartials);
        ArrayPool<int>.Shared.Return(_off);
        ArrayPool<float>.Shared.Return(_partials);
        for (int p = 0; p < _parts; p++)
        {
            ArrayPool<float>.Shared.Return(_scratch[p]);
            if (_lanes[p].Length > 0) ArrayPool<float>.Shared.Return(_lanes[p]);
            (_scratch[p], _lanes[p]) = (null!, null!);
        }
        (_biasPartials, _off, _partials, _parts) = (null, [], [], 0);
    }

    // partial[(gi, j), o] (+)= Σ_(oh,ow) xpad[gi, off[j] + oh*Wp + ow] · gT[(oh,ow), gi*og32 + o].
    private unsafe void TileSweep(float[] xpad, float[] gT, int sliceOffset, bool accumulate)
    {
        var g = _g;
        fixed (float* px = xpad, pg = gT, pd = _partials)
        fixed (int* po = _off)
        {
            for (int gi = 0; gi < g.Groups; gi++)
            {
                float* xb = px + (long)gi * g.Cg * _layout.InputPlane;
                for (int j = 0; j < _gk8; j += Taps8)
                for (int o = 0; o < _og32; o += Lanes32)
                {
                    float* dst = pd + sliceOffset + ((long)gi * _gk8 + j) * _og32 + o;
                    ConvMicroKernels.Weight8x32(xb, po + j, g.OH, g.OW, _layout.Wp, pg + gi * _og32 + o, _ldg, dst, _og32, accumulate);
                }
            }
        }
    }

    // gT[(oh,ow), gi*og32 + o] = gy[n, gi*Og + o, oh, ow]: output channels become the vector lanes.
    // 8x8 blocks go through registers; the tails (channels or positions past a multiple of 8) element by element.
    private unsafe void Transpose(float[] gy, int offset, int q, float[] gT)
    {
        int og = _g.Og, q8 = q / 8 * 8, og8 = Avx.IsSupported ? og / 8 * 8 : 0;
        fixed (float* ps = gy, pd = gT)
        {
            for (int gi = 0; gi < _g.Groups; gi++)
            {
                float* src = ps + offset + (long)gi * og * q, dst = pd + gi * _og32;
                for (int o = 0; o < og8; o += 8)
                for (int i = 0; i < q8; i += 8)
                    Gemm.Transpose8x8(src + (long)o * q + i, q, dst + (long)i * _ldg + o, _ldg);
                for (int o = 0; o < og; o++)
                {
                    int from = o < og8 ? q8 : 0;
                    for (int i = from; i < q; i++) dst[(long)i * _ldg + o] = src[(long)o * q + i];
                }
            }
        }
    }

    // lanes[(gi, o-tile, j-tile)] (+)= 16-lane partial dot products of gy rows with tap rows of the padded input.
    private unsafe void DotSweep(float[] xpad, float[] gyPad, float[] lanes, bool first)
    {
        var g = _g;
        int steps = (g.OH * _layout.Wp + V - 1) / V;
        fixed (float* px = xpad, pg = gyPad, pl = lanes)
        fixed (int* po = _off)
        {
            for (int gi = 0; gi < g.Groups; gi++)
            {
                float* xb = px + (long)gi * g.Cg * _layout.InputPlane;
                for (int o = 0; o < _og4; o += DotO)
                for (int j = 0; j < _gk3; j += DotJ)
                {
                    float* acc = pl + (((long)gi * _og4 + o) * _gk3 + j * DotO) * V;
                    ConvMicroKernels.Dot4x3(pg + (long)(gi * g.Og + o) * _planeG, _planeG, xb, po + j, steps, acc, !first);
                }
            }
        }
    }

    // partial[(gi, j), o] = the 16 lanes of each (o, j) summed: the end of one chunk's samples.
    private unsafe void ReduceLanes(float[] lanes, int sliceOffset)
    {
        var g = _g;
        fixed (float* pl = lanes)
        {
            for (int gi = 0; gi < g.Groups; gi++)
            for (int o = 0; o < g.Og; o++)
            for (int j = 0; j < g.GroupK; j++)
            {
                int ot = o / DotO * DotO, jt = j / DotJ * DotJ;
                float* acc = pl + (((long)gi * _og4 + ot) * _gk3 + jt * DotO + (o - ot) * DotJ + (j - jt)) * V;
                _partials[sliceOffset + (gi * _gk8 + j) * _og32 + o] = Vector512.Sum(Vector512.Load(acc));
            }
        }
    }
}
