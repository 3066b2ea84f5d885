using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>Gather and row-selection kernels with their scatter-add gradients.</summary>
internal static class IndexKernels
{
    /// <summary>
    /// out[i] = x[i with i[axis] replaced by index[i]] for every position i of the dense index tensor.
    /// x is read through its strides; indices must already be range-checked.
    /// </summary>
    public static void Gather<T>(T[] x, int xOffset, ReadOnlySpan<int> xStrides, int[] index, ReadOnlySpan<int> indexDims, int axis, T[] y)
        where T : unmanaged
    {
        int rank = indexDims.Length;
        Span<int> pos = stackalloc int[rank];
        for (int i = 0; i < index.Length; i++)
        {
            int o = xOffset;
            for (int d = 0; d < rank; d++) o += (d == axis ? index[i] : pos[d]) * xStrides[d];
            y[i] = x[o];
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++pos[d] < indexDims[d]) break;
                pos[d] = 0;
            }
        }
    }

    /// <summary>The gradient of <see cref="Gather"/>: gx (dense, zeroed, shape xDims) += gy at the gathered positions.</summary>
    public static void GatherBackward<T>(T[] gy, int gyOffset, int[] index, ReadOnlySpan<int> indexDims, int axis, ReadOnlySpan<int> xDims, T[] gx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rank = indexDims.Length;
        Span<int> strides = stackalloc int[rank];
        for (int d = rank - 1, acc = 1; d >= 0; d--)
        {
            strides[d] = acc;
            acc *= xDims[d];
        }
        Span<int> pos = stackalloc int[rank];
        for (int i = 0; i < index.Length; i++)
        {
            int o = 0;
            for (int d = 0; d < rank; d++) o += (d == axis ? index[i] : pos[d]) * strides[d];
            gx[o] += gy[gyOffset + i];
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++pos[d] < indexDims[d]) break;
                pos[d] = 0;
            }
        }
    }

    /// <summary>
    /// x dense (outer, len, inner) → y (outer, index.Length, inner): y[o, k, :] = x[o, index[k], :].
    /// </summary>
    public static void SelectRows(Array x, int xOffset, int outer, int len, int inner, int[] index, Array y)
    {
        int k = index.Length;
        CpuParallel.For(outer * k, inner, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int o = r / k, i = r % k;
                Array.Copy(x, xOffset + (o * len + index[i]) * inner, y, (long)r * inner, inner);
            }
        });
    }

    /// <summary>The gradient of <see cref="SelectRows"/>: gx (outer, len, inner), zeroed, += gy rows; repeated indices add up.</summary>
    public static void SelectRowsBackward<T>(T[] gy, int gyOffset, int outer, int len, int inner, int[] index, T[] gx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = index.Length;
        // Parallel over outer only: two rows of one outer slice may hit the same target row.
        CpuParallel.For(outer, (long)k * inner, (o0, o1) =>
        {
            for (int o = o0; o < o1; o++)
                for (int i = 0; i < k; i++)
                    VectorMath.AddTo<T>(gy.AsSpan(gyOffset + (o * k + i) * inner, inner), gx.AsSpan((o * len + index[i]) * inner, inner));
        });
    }
}
