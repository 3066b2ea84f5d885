using System.Numerics;

namespace Lepton.Engine.Kernels;

/// <summary>Small SIMD helpers over spans of float or double.</summary>
internal static class VectorMath
{
    /// <summary>dst[i] += src[i].</summary>
    public static void AddTo<T>(ReadOnlySpan<T> src, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            for (; i + w <= src.Length; i += w)
                (new Vector<T>(src[i..]) + new Vector<T>(dst[i..])).CopyTo(dst[i..]);
        }
        for (; i < src.Length; i++) dst[i] += src[i];
    }

    /// <summary>dst[i] = src[i] + value.</summary>
    public static void AddScalar<T>(ReadOnlySpan<T> src, T value, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var v = new Vector<T>(value);
            for (; i + w <= src.Length; i += w)
                (new Vector<T>(src[i..]) + v).CopyTo(dst[i..]);
        }
        for (; i < src.Length; i++) dst[i] = src[i] + value;
    }

    /// <summary>The sum of the elements, four lanes at a time.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var acc = Vector<T>.Zero;
            for (; i + w <= x.Length; i += w) acc += new Vector<T>(x[i..]);
            s = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) s += x[i];
        return s;
    }

    /// <summary>Adds <paramref name="bias"/> (cols) to every row of the dense (rows, cols) matrix <paramref name="c"/>.</summary>
    public static void AddRowVector<T>(Span<T> c, int rows, int cols, ReadOnlySpan<T> bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var row = c.Slice(r * cols, cols);
            AddTo(bias, row);
        }
    }

    /// <summary>dst[j] = Σ_r src[r, j] over a dense (rows, cols) matrix, summing rows in order (a bias gradient).</summary>
    public static void SumColumns<T>(ReadOnlySpan<T> src, int rows, int cols, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        dst = dst[..cols];
        if (rows == 0)
        {
            dst.Clear();
            return;
        }
        src[..cols].CopyTo(dst);
        for (int r = 1; r < rows; r++) AddTo(src.Slice(r * cols, cols), dst);
    }
}
