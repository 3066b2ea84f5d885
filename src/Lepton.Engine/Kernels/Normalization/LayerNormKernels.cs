using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels.Normalization;

/// <summary>
/// Layer normalization over the last D elements of each row: y = (x − mean)·rstd·w + b with rstd = 1/√(var + eps) (biased
/// variance), one pass per row for the statistics and one for the output, rows split across cores. Backward from the
/// saved mean and rstd: gx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = gy·w. <see cref="ForwardReference{T}"/> and
/// <see cref="BackwardReference{T}"/> are the plain twins.
/// </summary>
internal static class LayerNormKernels
{
    /// <summary>x, y: (rows, d); w, b: (d) or empty; mean, rstd: (rows), written.</summary>
    public static void Forward<T>(T[] x, int xOff, int rows, int d, T[]? w, T[]? b, T eps, T[] y, T[] mean, T[] rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(rows, 4L * d, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var xr = x.AsSpan(xOff + r * d, d);
                var yr = y.AsSpan(r * d, d);
                T m = VectorMath.Sum<T>(xr) / T.CreateChecked(d);
                T v = SumSquaredDeviation(xr, m) / T.CreateChecked(d);
                T s = T.One / T.Sqrt(v + eps);
                mean[r] = m;
                rstd[r] = s;
                Normalize(xr, m, s, w, b, yr);
            }
        });
    }

    /// <summary>
    /// gy: (rows, d). Writes gx (rows, d) and, when asked for, gw and gb (d); scratch (rows, d) holds gy·x̂ for gw's
    /// column sums (summed in row order, so the result does not depend on the thread count).
    /// </summary>
    public static void Backward<T>(T[] x, int xOff, T[] gy, int gyOff, int rows, int d, T[]? w, T[] mean, T[] rstd,
        T[] gx, T[]? gw, T[]? gb, T[]? scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(rows, 8L * d, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
                BackwardRow(x.AsSpan(xOff + r * d, d), gy.AsSpan(gyOff + r * d, d), w, mean[r], rstd[r], gx.AsSpan(r * d, d),
                    scratch is null ? default : scratch.AsSpan(r * d, d));
        });
        if (gw is not null) VectorMath.SumColumns<T>(scratch!, rows, d, gw);
        if (gb is not null) VectorMath.SumColumns<T>(gy.AsSpan(gyOff, rows * d), rows, d, gb);
    }

    /// <summary>The plain twin of <see cref="Forward{T}"/>.</summary>
    public static void ForwardReference<T>(T[] x, int xOff, int rows, int d, T[]? w, T[]? b, T eps, T[] y, T[] mean, T[] rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            T m = T.Zero, v = T.Zero;
            for (int j = 0; j < d; j++) m += x[xOff + r * d + j];
            m /= T.CreateChecked(d);
            for (int j = 0; j < d; j++) v += (x[xOff + r * d + j] - m) * (x[xOff + r * d + j] - m);
            T s = T.One / T.Sqrt(v / T.CreateChecked(d) + eps);
            mean[r] = m;
            rstd[r] = s;
            for (int j = 0; j < d; j++)
                y[r * d + j] = (x[xOff + r * d + j] - m) * s * (w is null ? T.One : w[j]) + (b is null ? T.Zero : b[j]);
        }
    }

    /// <summary>The plain twin of <see cref="Backward{T}"/> (gw and gb accumulate from zero).</summary>
    public static void BackwardReference<T>(T[] x, int xOff, T[] gy, int gyOff, int rows, int d, T[]? w, T[] mean, T[] rstd,
        T[] gx, T[]? gw, T[]? gb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        gw?.AsSpan().Clear();
        gb?.AsSpan().Clear();
        for (int r = 0; r < rows; r++)
        {
            T a = T.Zero, c = T.Zero;
            for (int j = 0; j < d; j++)
            {
                T xh = (x[xOff + r * d + j] - mean[r]) * rstd[r];
                T g = gy[gyOff + r * d + j];
                T gh = g * (w is null ? T.One : w[j]);
                a += gh;
                c += gh * xh;
                if (gw is not null) gw[j] += g * xh;
                if (gb is not null) gb[j] += g;
            }
            a /= T.CreateChecked(d);
            c /= T.CreateChecked(d);
            for (int j = 0; j < d; j++)
            {
                T xh = (x[xOff + r * d + j] - mean[r]) * rstd[r];
                T gh = gy[gyOff + r * d + j] * (w is null ? T.One : w[j]);
                gx[r * d + j] = rstd[r] * (gh - a - xh * c);
            }
        }
    }

    private static T SumSquaredDeviation<T>(ReadOnlySpan<T> x, T m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        int j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var mv = new Vector<T>(m);
            var acc = Vector<T>.Zero;
            for (; j + w <= x.Length; j += w)
            {
                var dv = new Vector<T>(x[j..]) - mv;
                acc += dv * dv;
            }
            s = Vector.Sum(acc);
        }
        for (; j < x.Length; j++) s += (x[j] - m) * (x[j] - m);
        return s;
    }

    // y = (x − m)·s·w + b
    private static void Normalize<T>(ReadOnlySpan<T> x, T m, T s, T[]? w, T[]? b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0, d = x.Length;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int lanes = Vector<T>.Count;
            var mv = new Vector<T>(m);
            var sv = new Vector<T>(s);
            for (; j + lanes <= d; j += lanes)
            {
                var v = (new Vector<T>(x[j..]) - mv) * sv;
                if (w is not null) v *= new Vector<T>(w.AsSpan(j));
                if (b is not null) v += new Vector<T>(b.AsSpan(j));
                v.CopyTo(y[j..]);
            }
        }
        for (; j < d; j++) y[j] = (x[j] - m) * s * (w is null ? T.One : w[j]) + (b is null ? T.Zero : b[j]);
    }

    // One row of the backward; scratch (when not empty) receives gy·x̂ for the weight gradient.
    private static void BackwardRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gy, T[]? w, T m, T s, Span<T> gx, Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = x.Length, j = 0;
        T a = T.Zero, c = T.Zero;
        var mv = new Vector<T>(m);
        var sv = new Vector<T>(s);
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int lanes = Vector<T>.Count;
            Vector<T> av = Vector<T>.Zero, cv = Vector<T>.Zero;
            for (; j + lanes <= d; j += lanes)
            {
                var xh = (new Vector<T>(x[j..]) - mv) * sv;
                var g = new Vector<T>(gy[j..]);
                if (!scratch.IsEmpty) (g * xh).CopyTo(scratch[j..]);
                var gh = w is null ? g : g * new Vector<T>(w.AsSpan(j));
                av += gh;
                cv += gh * xh;
            }
            a = Vector.Sum(av);
            c = Vector.Sum(cv);
        }
        for (; j < d; j++)
        {
            T xh = (x[j] - m) * s;
            if (!scratch.IsEmpty) scratch[j] = gy[j] * xh;
            T gh = gy[j] * (w is null ? T.One : w[j]);
            a += gh;
            c += gh * xh;
        }
        a /= T.CreateChecked(d);
        c /= T.CreateChecked(d);
        j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int lanes = Vector<T>.Count;
            var avec = new Vector<T>(a);
            var cvec = new Vector<T>(c);
            for (; j + lanes <= d; j += lanes)
            {
                var xh = (new Vector<T>(x[j..]) - mv) * sv;
                var gh = w is null ? new Vector<T>(gy[j..]) : new Vector<T>(gy[j..]) * new Vector<T>(w.AsSpan(j));
                (sv * (gh - avec - xh * cvec)).CopyTo(gx[j..]);
            }
        }
        for (; j < d; j++)
        {
            T xh = (x[j] - m) * s;
            T gh = gy[j] * (w is null ? T.One : w[j]);
            gx[j] = s * (gh - a - xh * c);
        }
    }
}
