using System.Numerics;

namespace Lepton.Engine.Kernels;

/// <summary>ReLU written over a span (the values of <see cref="ReluOp"/>): a kernel's epilogue on output it has just written.</summary>
internal static class ReluInPlace
{
    public static void Apply<T>(Span<T> span) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var op = new ReluOp();
        int i = 0;
        for (; i + Vector<T>.Count <= span.Length; i += Vector<T>.Count)
            op.Apply(new Vector<T>(span[i..])).CopyTo(span[i..]);
        for (; i < span.Length; i++) span[i] = op.Apply(span[i]);
    }

    /// <summary>ReLU over rows [row0, row1) of each of <paramref name="planes"/> planes of rows x cols starting at offset.</summary>
    public static void Rows(float[] y, int offset, int planes, int rows, int cols, int row0, int row1)
    {
        for (int p = 0; p < planes; p++)
            Apply(y.AsSpan(offset + (p * rows + row0) * cols, (row1 - row0) * cols));
    }
}
