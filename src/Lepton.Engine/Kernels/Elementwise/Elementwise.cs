using System.Diagnostics;
using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>An elementwise function of one value, written once for every float type.</summary>
internal interface IUnaryOp
{
    T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>True when <see cref="Apply{T}(Vector{T})"/> computes the same function on a SIMD vector.</summary>
    bool Vectorized => false;

    Vector<T> Apply<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException();
}

/// <summary>An elementwise function of two values, written once for every float type.</summary>
internal interface IBinaryOp
{
    T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>True when <see cref="Apply{T}(Vector{T}, Vector{T})"/> computes the same function on SIMD vectors.</summary>
    bool Vectorized => false;

    Vector<T> Apply<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException();
}

/// <summary>Elementwise kernels: map over one tensor, and zip two with NumPy broadcasting.</summary>
internal static class Elementwise
{
    /// <summary>y = op(x) elementwise; <paramref name="name"/> (the calling op, by default) names it in errors.</summary>
    public static Tensor Map<TOp>(Tensor x, TOp op, [System.Runtime.CompilerServices.CallerMemberName] string name = "") where TOp : struct, IUnaryOp
    {
        x.DType.RequireFloat(name, x.Shape);
        var src = x.Contiguous();
        var y = Tensor.Empty(x.Shape, x.DType);
        switch (x.DType)
        {
            case DType.Float32: Map(src.Storage.As<float>(), src.Offset, y.Storage.As<float>(), x.Numel, op); break;
            case DType.Float64: Map(src.Storage.As<double>(), src.Offset, y.Storage.As<double>(), x.Numel, op); break;
            default: throw new UnreachableException();
        }
        return y;
    }

    private static void Map<T, TOp>(T[] x, int offset, T[] y, int n, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        ForElements(n, (s, e) =>
        {
            int i = s;
            if (op.Vectorized && Vector.IsHardwareAccelerated)
            {
                int w = Vector<T>.Count;
                for (; i + w <= e; i += w)
                    op.Apply(new Vector<T>(x, offset + i)).CopyTo(y, i);
            }
            for (; i < e; i++) y[i] = op.Apply(x[offset + i]);
        });
    }

    public static Tensor Zip<TOp>(Tensor a, Tensor b, TOp op, string name) where TOp : struct, IBinaryOp
    {
        a.DType.RequireFloat(name, a.Shape);
        b.DType.RequireFloat(name, b.Shape);
        if (a.DType != b.DType)
            throw new ArgumentException($"{name}: dtypes differ ({a.DType} and {b.DType}); convert one with To().");
        var shape = Shape.Broadcast(a.Shape, b.Shape, name);
        var y = Tensor.Empty(shape, a.DType);
        switch (a.DType)
        {
            case DType.Float32: Zip<float, TOp>(a, b, y, op); break;
            case DType.Float64: Zip<double, TOp>(a, b, y, op); break;
            default: throw new UnreachableException();
        }
        return y;
    }

    private static void Zip<T, TOp>(Tensor a, Tensor b, Tensor y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        var ya = y.Storage.As<T>();
        var aa = a.Storage.As<T>();
        var ba = b.Storage.As<T>();
        int n = y.Numel;
        if (a.Shape == b.Shape && a.IsContiguous && b.IsContiguous)
        {
            int ao = a.Offset, bo = b.Offset;
            ForElements(n, (s, e) => Row(aa, ao + s, 1, ba, bo + s, 1, ya, s, e - s, op));
            return;
        }
        if (b.Numel == 1 && a.IsContiguous)
        {
            T bv = ba[b.Offset];
            int ao = a.Offset;
            int bo = b.Offset;
            ForElements(n, (s, e) => Row(aa, ao + s, 1, ba, bo, 0, ya, s, e - s, op));
            return;
        }
        int rank = y.Rank;
        var sa = BroadcastStrides(a, y.Shape);
        var sb = BroadcastStrides(b, y.Shape);
        int inner = rank == 0 ? 1 : y.Shape[rank - 1];
        int rows = inner == 0 ? 0 : n / inner;
        int ia = rank == 0 ? 0 : sa[rank - 1], ib = rank == 0 ? 0 : sb[rank - 1];
        var dims = y.Shape.ToArray();
        Action<int, int> body = (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                // Decompose the row number into the leading indices.
                int rem = r, oa = a.Offset, ob = b.Offset;
                for (int d = rank - 2; d >= 0; d--)
                {
                    int i = rem % dims[d];
                    rem /= dims[d];
                    oa += i * sa[d];
                    ob += i * sb[d];
                }
                Row(aa, oa, ia, ba, ob, ib, ya, r * inner, inner, op);
            }
        };
        if (n < ParallelMinElements) body(0, rows);
        else CpuParallel.For(rows, inner, body);
    }

    // y[yo..yo+len) = op(a[ao + i*sa], b[bo + i*sb]); SIMD when both operands are dense or one is a repeated scalar.
    private static void Row<T, TOp>(T[] a, int ao, int sa, T[] b, int bo, int sb, T[] y, int yo, int len, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        int i = 0;
        if (op.Vectorized && Vector.IsHardwareAccelerated && sa == 1 && sb is 0 or 1)
        {
            int w = Vector<T>.Count;
            if (sb == 1)
                for (; i + w <= len; i += w) op.Apply(new Vector<T>(a, ao + i), new Vector<T>(b, bo + i)).CopyTo(y, yo + i);
            else
            {
                var vb = new Vector<T>(b[bo]);
                for (; i + w <= len; i += w) op.Apply(new Vector<T>(a, ao + i), vb).CopyTo(y, yo + i);
            }
        }
        for (; i < len; i++) y[yo + i] = op.Apply(a[ao + i * sa], b[bo + i * sb]);
    }

    // Elementwise work is memory-bound: below a few hundred thousand elements a second thread costs
    // more in hand-off and wake-up (and in batch-1 inference latency) than the loop itself.
    private const int ParallelMinElements = 1 << 18;

    private static void ForElements(int n, Action<int, int> body)
    {
        if (n < ParallelMinElements) body(0, n);
        else CpuParallel.For(n, 1, body);
    }

    /// <summary>Strides of <paramref name="t"/> aligned to a broadcast output shape (0 on broadcast axes).</summary>
    internal static int[] BroadcastStrides(Tensor t, Shape outShape)
    {
        int rank = outShape.Rank, lead = rank - t.Rank;
        var s = new int[rank];
        for (int i = lead; i < rank; i++)
            s[i] = t.Shape[i - lead] == 1 && outShape[i] != 1 ? 0 : t.Strides[i - lead];
        return s;
    }
}
