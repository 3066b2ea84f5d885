using System.Buffers;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// Quantized fully connected layer, float in and float out: rows of x are quantized (7-bit codes, padded to K rounded up to
/// 4) and multiplied by <see cref="Int8Gemm"/>; blocks of rows are split across cores. The reference is
/// <see cref="RunReference"/>.
/// </summary>
public static unsafe class Int8Linear
{
    private const int RowBlock = 16;

    // x: (rows, K) float → y: (rows, O) float
    public static void Run(ReadOnlySpan<float> x, int rows, Int8Weights w, in Int8Epilogue e, Span<float> y)
    {
        Check(x.Length, rows, w, y.Length);
        Int8GemmReference.Check(0, 0, w.KPadded, w, e, 0, w.OutFeatures, false);
        if (rows == 0) return;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            float* xp = px, yp = py;
            var epilogue = e;
            var isa = Int8Gemm.InstructionSet; // decided on the calling thread, followed by every worker
            int blocks = (rows + RowBlock - 1) / RowBlock;
            CpuParallel.For(blocks, (long)RowBlock * w.OutFeatures * w.K / 8, (b0, b1) =>
            {
                int r0 = b0 * RowBlock, r1 = Math.Min(rows, b1 * RowBlock);
                RunRows(xp, yp, r0, r1, w, epilogue, isa);
            });
        }
    }

    private static void RunRows(float* x, float* y, int r0, int r1, Int8Weights w, Int8Epilogue e, Int8InstructionSet isa)
    {
        int k = w.K, lda = w.KPadded, n = r1 - r0;
        var buffer = ArrayPool<byte>.Shared.Rent(n * lda);
        try
        {
            float inverse = 1f / e.InputScale;
            fixed (byte* a = buffer)
            {
                for (int r = 0; r < n; r++)
                {
                    var q = new Span<byte>(a + (long)r * lda, lda);
                    Int8Activations.Quantize(new ReadOnlySpan<float>(x + (long)(r0 + r) * k, k), inverse, e.InputZeroPoint, q, isa);
                    q[k..].Clear();
                }
                Int8Gemm.RunUnchecked(a, n, lda, w, e, y + (long)r0 * w.OutFeatures, w.OutFeatures, channelMajor: false, isa);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The plain twin of <see cref="Run"/>: scalar quantization and one dot product per output.</summary>
    public static void RunReference(ReadOnlySpan<float> x, int rows, Int8Weights w, in Int8Epilogue e, Span<float> y)
    {
        Check(x.Length, rows, w, y.Length);
        float inverse = 1f / e.InputScale;
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < w.OutFeatures; o++)
            {
                int acc = 0;
                for (int j = 0; j < w.K; j++) acc += Int8Activations.QuantizeOne(x[r * w.K + j], inverse, e.InputZeroPoint) * w.Rows[o * w.K + j];
                y[r * w.OutFeatures + o] = Int8GemmReference.Output(acc, o, w, e);
            }
    }

    private static void Check(long xLength, int rows, Int8Weights w, long yLength)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (rows < 0 || xLength < (long)rows * w.K)
            throw new ArgumentException($"Int8Linear: x holds {xLength} values, expected rows*K = {(long)rows * w.K} (K={w.K}).");
        if (yLength < (long)rows * w.OutFeatures)
            throw new ArgumentException($"Int8Linear: y holds {yLength} values, expected rows*O = {(long)rows * w.OutFeatures}.");
    }
}
