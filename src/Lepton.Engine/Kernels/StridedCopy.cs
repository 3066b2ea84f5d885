namespace Lepton.Engine.Kernels;

/// <summary>Copies a strided view into a dense row-major buffer.</summary>
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
}
