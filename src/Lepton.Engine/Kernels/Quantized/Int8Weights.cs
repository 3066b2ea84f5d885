namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// Signed int8 weights (O,K) with one scale per output channel, packed for <see cref="Int8Gemm"/>: blocks of 64 output
/// channels, each [K/4][64][4] bytes, so one 64-byte load holds four consecutive k of 16 channels. K is padded to a multiple
/// of 4 and O to a multiple of 64 with zero weights; <see cref="Sums"/> holds each row's sum for the zero-point term.
/// </summary>
public sealed class Int8Weights
{
    /// <summary>Output channels per packed block.</summary>
    public const int Block = 64;

    private Int8Weights(sbyte[] rows, int outFeatures, int k, float[] scales)
    {
        OutFeatures = outFeatures;
        K = k;
        KPadded = (k + 3) / 4 * 4;
        OutPadded = (outFeatures + Block - 1) / Block * Block;
        Rows = rows;
        Scales = scales;
        Sums = new int[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            int s = 0;
            for (int j = 0; j < k; j++) s += rows[o * k + j];
            Sums[o] = s;
        }
        // Rows padded to KPadded, four codes per int: the broadcast operand of the pixel-major convolution kernel.
        Quads = new int[outFeatures * (KPadded / 4)];
        for (int o = 0; o < outFeatures; o++)
            for (int j = 0; j < k; j++)
                Quads[o * (KPadded / 4) + j / 4] |= (byte)rows[o * k + j] << (8 * (j % 4));
        Packed = new sbyte[OutPadded * KPadded];
        int groups = KPadded / 4;
        for (int o = 0; o < outFeatures; o++)
        {
            int block = o / Block, lane = o % Block;
            for (int j = 0; j < k; j++)
                Packed[(block * groups + j / 4) * Block * 4 + lane * 4 + j % 4] = rows[o * k + j];
        }
    }

    /// <summary>Output channels (rows of the weight matrix).</summary>
    public int OutFeatures { get; }

    /// <summary>Inputs per output (columns of the weight matrix).</summary>
    public int K { get; }

    /// <summary>K rounded up to a multiple of 4: the row length the GEMM reads from its activations.</summary>
    public int KPadded { get; }

    /// <summary>OutFeatures rounded up to a multiple of 64.</summary>
    public int OutPadded { get; }

    /// <summary>The weights row-major (O,K), as given.</summary>
    public sbyte[] Rows { get; }

    /// <summary>Per-output-channel scales: weight = code * scale.</summary>
    public float[] Scales { get; }

    /// <summary>Per-output-channel sums of the codes.</summary>
    public int[] Sums { get; }

    internal sbyte[] Packed { get; }

    /// <summary>(O, KPadded/4): each row's codes four to an int (k, k+1, k+2, k+3 from the low byte), zeros past K.</summary>
    internal int[] Quads { get; }

    /// <summary>Packs row-major weights (O,K) with their per-channel scales; the arrays are kept, not copied.</summary>
    public static Int8Weights FromRows(sbyte[] rows, int outFeatures, int k, float[] scales)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(scales);
        if (outFeatures <= 0 || k <= 0 || rows.Length != (long)outFeatures * k)
            throw new ArgumentException($"Int8Weights: expected {outFeatures}x{k} = {(long)outFeatures * k} codes, got {rows.Length}.");
        if (scales.Length != outFeatures)
            throw new ArgumentException($"Int8Weights: expected one scale per output channel ({outFeatures}), got {scales.Length}.");
        return new Int8Weights(rows, outFeatures, k, scales);
    }

    /// <summary>
    /// Packs convolution weights (O,C,KH,KW) for <see cref="Int8Conv2d"/>, whose im2col rows run over (ky,kx,c) so that each
    /// kernel tap copies C channel bytes of an NHWC image at once.
    /// </summary>
    public static Int8Weights FromConv(sbyte[] oihw, int outChannels, int inChannels, int kh, int kw, float[] scales)
    {
        ArgumentNullException.ThrowIfNull(oihw);
        int k = inChannels * kh * kw;
        if (oihw.Length != (long)outChannels * k)
            throw new ArgumentException($"Int8Weights: expected ({outChannels},{inChannels},{kh},{kw}) = {(long)outChannels * k} codes, got {oihw.Length}.");
        var rows = new sbyte[oihw.Length];
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < inChannels; c++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        rows[o * k + (y * kw + x) * inChannels + c] = oihw[((o * inChannels + c) * kh + y) * kw + x];
        return FromRows(rows, outChannels, k, scales);
    }
}
