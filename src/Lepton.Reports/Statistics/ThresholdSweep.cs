namespace Lepton.Reports.Statistics;

/// <summary>Precision, recall and F1 of the positive class when probabilities at or above <paramref name="Threshold"/> say positive.</summary>
public readonly record struct ThresholdPoint(double Threshold, double Precision, double Recall, double F1, int PredictedPositive);

/// <summary>
/// A yes/no model's precision, recall and F1 at every threshold on a grid from 0 to 1 (the page's chart), and the threshold of
/// the highest F1 among the distinct probabilities (where the best cut actually lies).
/// </summary>
public sealed record ThresholdSweep(IReadOnlyList<ThresholdPoint> Grid, ThresholdPoint BestF1, int Positives, int Count)
{
    /// <summary>Grid steps from 0 to 1 (101 points: every hundredth).</summary>
    public const int DefaultSteps = 100;

    /// <summary>The sweep of positive-class probabilities <paramref name="probabilities"/> against 0/1 <paramref name="positive"/> labels.</summary>
    public static ThresholdSweep Of(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> positive, int steps = DefaultSteps)
    {
        if (probabilities.Length != positive.Length) throw new ArgumentException($"ThresholdSweep: {probabilities.Length} probabilities for {positive.Length} labels.");
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        int n = probabilities.Length, p = 0;
        foreach (var y in positive) if (y) p++;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var scores = probabilities.ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a])); // highest first
        var grid = new List<ThresholdPoint>(steps + 1);
        var labels = positive.ToArray();
        // Walk the grid from 1 down to 0, taking in every example whose probability reaches the current threshold.
        int taken = 0, tp = 0;
        for (int s = steps; s >= 0; s--)
        {
            double t = (double)s / steps;
            while (taken < n && scores[order[taken]] >= t)
            {
                if (labels[order[taken]]) tp++;
                taken++;
            }
            grid.Add(Point(t, tp, taken, p));
        }
        grid.Reverse();
        // The best F1 over every distinct probability (the grid may step over it).
        var best = Point(1, 0, 0, p);
        tp = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            for (; j < n && scores[order[j]] == scores[order[i]]; j++) if (labels[order[j]]) tp++;
            var point = Point(scores[order[i]], tp, j, p);
            if (point.F1 > best.F1) best = point;
            i = j;
        }
        return new ThresholdSweep(grid, best, p, n);
    }

    /// <summary>The grid point nearest <paramref name="threshold"/>, recomputed exactly at it.</summary>
    public static ThresholdPoint At(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> positive, double threshold)
    {
        int tp = 0, predicted = 0, p = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (positive[i]) p++;
            if (probabilities[i] < threshold) continue;
            predicted++;
            if (positive[i]) tp++;
        }
        return Point(threshold, tp, predicted, p);
    }

    private static ThresholdPoint Point(double threshold, int tp, int predicted, int positives)
    {
        double precision = predicted == 0 ? 1 : (double)tp / predicted; // nothing called positive: no false alarm (scikit-learn's convention for the curve's end)
        double recall = positives == 0 ? 0 : (double)tp / positives;
        double f1 = tp == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ThresholdPoint(threshold, precision, recall, f1, predicted);
    }
}
