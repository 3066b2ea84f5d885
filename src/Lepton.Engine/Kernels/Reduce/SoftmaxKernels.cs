using System.Numerics;
using System.Runtime.InteropServices;
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
        // Softmax along a contiguous last axis (attention scores): SIMD rows; the loop below is its plain twin.
        if (inner == 1 && !log && Vector.IsHardwareAccelerated)
        {
            CpuParallel.For(outer, len * 8L, (r0, r1) =>
            {
                for (int r = r0; r < r1; r++) SoftmaxRow(x.AsSpan(xOffset + r * len, len), y.AsSpan(r * len, len));
            });
            return;
        }
        ForwardReference(x, xOffset, outer, len, inner, y, log);
    }

    /// <summary>The plain loops of <see cref="Forward{T}"/>: any axis, scalar exp.</summary>
    public static void ForwardReference<T>(T[] x, int xOffset, int outer, int len, int inner, T[] y, bool log)
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

    // y = exp(x − max x) / Σ, with SIMD max, exp, sum and scale.
    private static void SoftmaxRow<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count, i = 0;
        T max = T.NegativeInfinity;
        if (x.Length >= w)
        {
            var mv = new Vector<T>(x);
            for (i = w; i + w <= x.Length; i += w) mv = Vector.Max(mv, new Vector<T>(x[i..]));
            for (int k = 0; k < w; k++) max = T.Max(max, mv[k]);
        }
        for (; i < x.Length; i++) max = T.Max(max, x[i]);
        x.CopyTo(y);
        VectorMath.AddScalar<T>(y, -max, y);
        if (typeof(T) == typeof(float)) ExpInPlace(MemoryMarshal.Cast<T, float>(y));
        else if (typeof(T) == typeof(double)) ExpInPlace(MemoryMarshal.Cast<T, double>(y));
        else for (int k = 0; k < y.Length; k++) y[k] = T.Exp(y[k]);
        T inv = T.One / VectorMath.Sum<T>(y);
        i = 0;
        var iv = new Vector<T>(inv);
        for (; i + w <= y.Length; i += w) (new Vector<T>(y[i..]) * iv).CopyTo(y[i..]);
        for (; i < y.Length; i++) y[i] *= inv;
    }

    private static void ExpInPlace(Span<float> y)
    {
        int i = 0, w = Vector<float>.Count;
        for (; i + w <= y.Length; i += w) Vector.Exp(new Vector<float>(y[i..])).CopyTo(y[i..]);
        for (; i < y.Length; i++) y[i] = MathF.Exp(y[i]);
    }

    private static void ExpInPlace(Span<double> y)
    {
        int i = 0, w = Vector<double>.Count;
        for (; i + w <= y.Length; i += w) Vector.Exp(new Vector<double>(y[i..])).CopyTo(y[i..]);
        for (; i < y.Length; i++) y[i] = Math.Exp(y[i]);
    }

    /// <summary>Softmax: gx = y ⊙ (gy − Σ gy⊙y). Log-softmax: gx = gy − exp(y) ⊙ Σ gy.</summary>
    public static void Backward<T>(T[] y, T[] gy, int gyOffset, int outer, int len, int inner, T[] gx, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1 && !log && Vector.IsHardwareAccelerated)
        {
            CpuParallel.For(outer, len * 4L, (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                    SoftmaxRowBackward<T>(y.AsSpan(r * len, len), gy.AsSpan(gyOffset + r * len, len), gx.AsSpan(r * len, len));
            });
            return;
        }
        BackwardReference(y, gy, gyOffset, outer, len, inner, gx, log);
    }

    // gx = y ⊙ (gy − Σ gy⊙y), SIMD.
    private static void SoftmaxRowBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> gy, Span<T> gx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count, i = 0;
        var accv = Vector<T>.Zero;
        for (; i + w <= y.Length; i += w) accv += new Vector<T>(y[i..]) * new Vector<T>(gy[i..]);
        T acc = Vector.Sum(accv);
        for (; i < y.Length; i++) acc += y[i] * gy[i];
        var av = new Vector<T>(acc);
        i = 0;
        for (; i + w <= y.Length; i += w) (new Vector<T>(y[i..]) * (new Vector<T>(gy[i..]) - av)).CopyTo(gx[i..]);
        for (; i < y.Length; i++) gx[i] = y[i] * (gy[i] - acc);
    }

    /// <summary>The plain loops of <see cref="Backward{T}"/>.</summary>
    public static void BackwardReference<T>(T[] y, T[] gy, int gyOffset, int outer, int len, int inner, T[] gx, bool log)
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
