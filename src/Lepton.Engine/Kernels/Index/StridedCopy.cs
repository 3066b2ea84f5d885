namespace Lepton.Engine.Kernels;

/// <summary>Copies between a strided view and a dense row-major buffer, in either direction.</summary>
internal static class StridedCopy
{
    // src viewed with (shape, strides, offset) → dst dense (row-major).
    public static void Run<T>(T[] src, int offset, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, Span<T> dst) where T : unmanaged
    {
        int rank = shape.Length;
        if (rank == 0)
        {
            dst[0] = src[offset];
            return;
        }
        int inner = shape[rank - 1];
        int innerStride = strides[rank - 1];
        int rows = inner == 0 ? 0 : dst.Length / inner;
        Span<int> idx = stackalloc int[rank];
        int o = 0;
        for (int r = 0; r < rows; r++)
        {
            int s = offset;
            for (int d = 0; d < rank - 1; d++) s += idx[d] * strides[d];
            var row = dst.Slice(o, inner);
            if (innerStride == 1) src.AsSpan(s, inner).CopyTo(row);
            else for (int i = 0; i < inner; i++) row[i] = src[s + i * innerStride];
            o += inner;
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
    }

    // dense src (row-major) → a strided view (shape, strides, offset) of dst: the reverse of Run.
    public static void Scatter<T>(ReadOnlySpan<T> src, T[] dst, int offset, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides) where T : unmanaged
    {
        int rank = shape.Length;
        if (rank == 0)
        {
            dst[offset] = src[0];
            return;
        }
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        int rows = inner == 0 ? 0 : src.Length / inner;
        Span<int> idx = stackalloc int[rank];
        for (int r = 0, o = 0; r < rows; r++, o += inner)
        {
            int d = offset;
            for (int k = 0; k < rank - 1; k++) d += idx[k] * strides[k];
            for (int i = 0; i < inner; i++) dst[d + i * innerStride] = src[o + i];
            for (int k = rank - 2; k >= 0; k--)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
            }
        }
    }
}
