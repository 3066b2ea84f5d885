namespace Lepton.Engine.Kernels.Quantized;

/// <summary>The plain twin of <see cref="Int8Gemm"/>: one int32 dot product per output, the same float epilogue.</summary>
public static unsafe class Int8GemmReference
{
    /// <summary>Same contract as <see cref="Int8Gemm.Run"/>.</summary>
    public static void Run(ReadOnlySpan<byte> a, int rows, int lda, Int8Weights w, in Int8Epilogue e, Span<float> y, int ldy, bool channelMajor)
    {
        Check(a.Length, rows, lda, w, e, y.Length, ldy, channelMajor);
        fixed (byte* pa = a)
        fixed (float* py = y)
            RunUnchecked(pa, rows, lda, w, e, py, ldy, channelMajor);
    }

    internal static void RunUnchecked(byte* a, int rows, int lda, Int8Weights w, in Int8Epilogue e, float* y, int ldy, bool channelMajor)
    {
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < w.OutFeatures; o++)
            {
                int acc = 0;
                for (int k = 0; k < w.K; k++) acc += a[(long)r * lda + k] * w.Rows[o * w.K + k];
                float v = Output(acc, o, w, e);
                y[channelMajor ? (long)o * ldy + r : (long)r * ldy + o] = v;
            }
    }

    /// <summary>The epilogue for one accumulator of output channel <paramref name="o"/>.</summary>
    public static float Output(int acc, int o, Int8Weights w, in Int8Epilogue e)
    {
        float v = (float)(acc - e.InputZeroPoint * w.Sums[o]) * (e.InputScale * w.Scales[o]) + (e.Bias is null ? 0f : e.Bias[o]);
        return e.Relu ? (v > 0f ? v : 0f) : v;
    }

    internal static void Check(long aLength, int rows, int lda, Int8Weights w, in Int8Epilogue e, long yLength, int ldy, bool channelMajor)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (rows < 0 || lda < w.KPadded)
            throw new ArgumentException($"Int8Gemm: rows must be >= 0 and lda >= {w.KPadded} (K={w.K} padded to 4), got rows={rows}, lda={lda}.");
        if (rows > 0 && aLength < (long)(rows - 1) * lda + w.KPadded)
            throw new ArgumentException($"Int8Gemm: A holds {aLength} bytes, too few for {rows} rows of stride {lda}.");
        long need = rows == 0 ? 0 : channelMajor ? (long)(w.OutFeatures - 1) * ldy + rows : (long)(rows - 1) * ldy + w.OutFeatures;
        if ((channelMajor ? ldy < rows : ldy < w.OutFeatures) || yLength < need)
            throw new ArgumentException($"Int8Gemm: y holds {yLength} floats with stride {ldy}, too few for {rows} rows x {w.OutFeatures} channels.");
        if (e.Bias is not null && e.Bias.Length != w.OutFeatures)
            throw new ArgumentException($"Int8Gemm: bias has {e.Bias.Length} values for {w.OutFeatures} output channels.");
        if (e.InputZeroPoint is < 0 or > Int8Activations.MaxCode)
            throw new ArgumentException($"Int8Gemm: the input zero point must be in [0, {Int8Activations.MaxCode}], got {e.InputZeroPoint}.");
    }
}
