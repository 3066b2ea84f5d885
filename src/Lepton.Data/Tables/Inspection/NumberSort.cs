namespace Lepton.Data.Tables.Inspection;

/// <summary>
/// Sorts numbers as <see cref="Array.Sort(Array)"/> does, with a counting sort for columns of small non-negative integers (pixels,
/// counts, codes): one pass instead of n log n comparisons, which made medians and deciles of a 60,000 x 784 table cost seconds.
/// Equal doubles are indistinguishable, so the result is the same array (-0.0 and NaN take the comparison sort).
/// </summary>
public static class NumberSort
{
    /// <summary>Values at or above this take the comparison sort.</summary>
    internal const int CountingLimit = 1 << 16;

    public static void Sort(Span<double> values)
    {
        if (values.Length < 64 || !TryCountingSort(values)) values.Sort();
    }

    private static bool TryCountingSort(Span<double> values)
    {
        int max = 0;
        foreach (double v in values)
        {
            // Sign bit clear (not -0.0), an integer (NaN fails), below the limit.
            if (BitConverter.DoubleToInt64Bits(v) < 0 || !(v < CountingLimit) || v != Math.Floor(v)) return false;
            max = Math.Max(max, (int)v);
        }
        // A range much wider than the data would cost more to sweep than comparisons do.
        if (max > 4 * values.Length) return false;
        var counts = new int[max + 1];
        foreach (double v in values) counts[(int)v]++;
        int at = 0;
        for (int k = 0; k <= max; k++)
        {
            if (counts[k] == 0) continue;
            values.Slice(at, counts[k]).Fill(k);
            at += counts[k];
        }
        return true;
    }
}
