using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Softmax and log-softmax over the middle axis of a dense (outer, len, inner) buffer, stable by
/// subtracting the maximum; backward passes take the forward output, not the input.
/// </summary>
internal static class SoftmaxKernels
{
    public static void Forward<T>(T[] x, int xOffset, int outer, int len, int inner, T[] y, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(outer * inner, len * 8L, (l0, l1) =>
        {
            for (int line = l0; line < l1; line++)
            {
                int o = line / inner, j = line % inner;
                int start = o * len * inner + j;
                T max = T.NegativeInfinity;
                for (int i = 0, k = xOffset + start; i < len; i++, k += inner) max = T.Max(max, x[k]);
                T sum = T.Zero;
                for (int i = 0, k = start; i < len; i++, k += inner)
                {
                    T e = T.Exp(x[xOffset + k] - max);
                    sum += e;
                    if (!log) y[k] = e;
                }
                if (log)
                {
                    T shift = max + T.Log(sum);
                    for (int i = 0, k = start; i < len; i++, k += inner) y[k] = x[xOffset + k] - shift;
                }
                else
                {
                    T inv = T.One / sum;
                    for (int i = 0, k = start; i < len; i++, k += inner) y[k] *= inv;
                }
            }
        });
    }

    /// <summary>Softmax: gx = y ⊙ (gy − Σ gy⊙y). Log-softmax: gx = gy − exp(y) ⊙ Σ gy.</summary>
    public static void Backward<T>(T[] y, T[] gy, int gyOffset, int outer, int len, int inner, T[] gx, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(outer * inner, len * 4L, (l0, l1) =>
        {
            for (int line = l0; line < l1; line++)
            {
                int o = line / inner, j = line % inner;
                int start = o * len * inner + j;
                T acc = T.Zero;
                for (int i = 0, k = start; i < len; i++, k += inner)
                    acc += log ? gy[gyOffset + k] : gy[gyOffset + k] * y[k];
                for (int i = 0, k = start; i < len; i++, k += inner)
                    gx[k] = log ? gy[gyOffset + k] - T.Exp(y[k]) * acc : y[k] * (gy[gyOffset + k] - acc);
            }
        });
    }

    /// <summary>
    /// Cross-entropy of a dense (rows, len) buffer of logits against class indices: writes each row's log-softmax to
    /// <paramref name="logp"/> (the same values as <see cref="Forward{T}"/> with log) and returns Σ_r −logp[r, target_r],
    /// summed in row order.
    /// </summary>
    public static T LogSoftmaxNll<T>(T[] x, int xOffset, int rows, int len, ReadOnlySpan<int> targets, T[] logp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(xOffset + r * len, len);
            var outRow = logp.AsSpan(r * len, len);
            T max = T.NegativeInfinity;
            foreach (var v in row) max = T.Max(max, v);
            T sum = T.Zero;
            foreach (var v in row) sum += T.Exp(v - max);
            T shift = max + T.Log(sum);
            for (int i = 0; i < len; i++) outRow[i] = row[i] - shift;
            total -= outRow[targets[r]];
        }
        return total;
    }

    /// <summary>The cross-entropy gradient from the saved log-softmax: gx[r, j] = scale · (exp(logp[r, j]) − [j = target_r]).</summary>
    public static void NllSoftmaxBackward<T>(T[] logp, int rows, int len, ReadOnlySpan<int> targets, T scale, T[] gx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            int at = r * len;
            for (int i = 0; i < len; i++) gx[at + i] = scale * T.Exp(logp[at + i]);
            gx[at + targets[r]] -= scale;
        }
    }
}
