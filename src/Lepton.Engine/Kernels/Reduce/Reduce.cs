using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

internal enum ReduceKind { Sum, Max, Min, ArgMax, ArgMin }

/// <summary>Reduces each row of a dense (rows, len) buffer to one value.</summary>
internal static class Reduce
{
    public static void Rows<T>(T[] src, int offset, int rows, int len, T[] dst, ReduceKind kind)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(rows, len, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var row = src.AsSpan(offset + r * len, len);
                dst[r] = kind switch
                {
                    ReduceKind.Sum => Sum(row),
                    ReduceKind.Max => row[ArgBest(row, max: true)],
                    ReduceKind.Min => row[ArgBest(row, max: false)],
                    ReduceKind.ArgMax => T.CreateTruncating(ArgBest(row, max: true)),
                    _ => T.CreateTruncating(ArgBest(row, max: false)),
                };
            }
        });
    }

    // A plain sum in the element type; four independent lanes shorten the dependency chain.
    private static T Sum<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        int i = 0;
        for (; i + 4 <= row.Length; i += 4)
        {
            s0 += row[i]; s1 += row[i + 1]; s2 += row[i + 2]; s3 += row[i + 3];
        }
        for (; i < row.Length; i++) s0 += row[i];
        return (s0 + s1) + (s2 + s3);
    }

    // First index of the max (or min); NaN wins, as in PyTorch.
    private static int ArgBest<T>(ReadOnlySpan<T> row, bool max) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (row.Length == 0) throw new InvalidOperationException("Max/min/argmax over an empty axis.");
        int best = 0;
        T bv = row[0];
        if (T.IsNaN(bv)) return 0;
        for (int i = 1; i < row.Length; i++)
        {
            T v = row[i];
            if (T.IsNaN(v)) return i;
            if (max ? v > bv : v < bv)
            {
                bv = v;
                best = i;
            }
        }
        return best;
    }
}
