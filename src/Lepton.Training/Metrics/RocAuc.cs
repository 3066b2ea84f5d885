namespace Lepton.Training.Metrics;

/// <summary>Area under the ROC curve, binary and one-vs-rest for several classes (ties get half credit).</summary>
public static class RocAuc
{
    /// <summary>AUC of <paramref name="scores"/> for the positives marked true; NaN when one side is empty.</summary>
    public static double Binary(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length)
            throw new ArgumentException($"RocAuc.Binary: {scores.Length} scores for {positive.Length} labels.");
        int n = scores.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var s = scores.ToArray();
        Array.Sort(order, (a, b) => s[a].CompareTo(s[b]));
        // Mann-Whitney U: sum of the (average, for ties) ranks of the positives.
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && s[order[j + 1]] == s[order[i]]) j++;
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
                if (positive[order[k]]) { rankSumPos += avgRank; pos++; }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    /// <summary>
    /// One-vs-rest AUC of each class from class scores (N*C, row-major) and labels (N); classes absent
    /// from the labels get NaN and are left out of the macro average.
    /// </summary>
    public static (double[] PerClass, double Macro) OneVsRest(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, int classes)
    {
        int n = labels.Length;
        if (scores.Length != n * classes)
            throw new ArgumentException($"RocAuc.OneVsRest: expected {n}x{classes} scores, got {scores.Length}.");
        var per = new double[classes];
        var col = new double[n];
        var pos = new bool[n];
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++)
        {
            for (int i = 0; i < n; i++)
            {
                col[i] = scores[i * classes + c];
                pos[i] = labels[i] == c;
            }
            per[c] = Binary(col, pos);
            if (!double.IsNaN(per[c])) { sum += per[c]; counted++; }
        }
        return (per, counted == 0 ? double.NaN : sum / counted);
    }
}
