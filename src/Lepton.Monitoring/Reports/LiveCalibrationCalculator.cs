using Lepton.Monitoring.Drift;
using Lepton.NN.Serialization;

namespace Lepton.Monitoring;

/// <summary>
/// <see cref="LiveCalibration"/> of labelled predictions whose logged answer carried its probabilities: a yes/no model's one (the
/// positive class's), a multiclass model's one per class in model order. Rows without probabilities, or whose true label is no
/// class of the model, are left out.
/// </summary>
internal static class LiveCalibrationCalculator
{
    /// <summary>Deciles of probability: the bins of the table and of Hosmer–Lemeshow's test.</summary>
    public const int Bins = 10;

    private const double Epsilon = 1e-15;

    public static LiveCalibration? Compute(IReadOnlyList<LoggedLabel> labels, MonitoredTask task)
    {
        // p: the probability of the event the row is scored on; y: whether it happened; brier and log loss of the row's answer.
        var rows = new List<(double P, bool Y, double Brier, double LogLoss)>();
        if (task.Kind == TaskKind.Binary)
        {
            string positive = task.PositiveClass;
            foreach (var l in labels)
            {
                if (l.Probabilities is not [var p]) continue;
                bool y = l.Truth == positive;
                double pt = y ? p : 1 - p;
                rows.Add((p, y, (p - (y ? 1 : 0)) * (p - (y ? 1 : 0)), -Math.Log(Math.Clamp(pt, Epsilon, 1))));
            }
        }
        else if (task.Kind == TaskKind.Multiclass && task.ClassNames.Count >= 2)
        {
            int k = task.ClassNames.Count;
            foreach (var l in labels)
            {
                if (l.Probabilities is not { } probabilities || probabilities.Count != k) continue;
                int truth = IndexOf(task.ClassNames, l.Truth);
                if (truth < 0) continue;
                int top = 0;
                double brier = 0;
                for (int c = 0; c < k; c++)
                {
                    if (probabilities[c] > probabilities[top]) top = c;
                    double d = probabilities[c] - (c == truth ? 1 : 0);
                    brier += d * d;
                }
                // Top-label calibration: the confidence in the answer against whether it was right.
                rows.Add((probabilities[top], top == truth, brier, -Math.Log(Math.Clamp(probabilities[truth], Epsilon, 1))));
            }
        }
        if (rows.Count == 0) return null;
        int n = rows.Count;
        var sorted = rows.OrderBy(r => r.P).ToList();
        int binCount = Math.Min(Bins, n);
        var bins = new List<CalibrationBin>(binCount);
        double statistic = 0;
        int used = 0;
        for (int b = 0; b < binCount; b++)
        {
            int from = b * n / binCount, to = (b + 1) * n / binCount;
            if (to <= from) continue;
            double expected = 0;
            int observed = 0;
            for (int i = from; i < to; i++)
            {
                expected += sorted[i].P;
                if (sorted[i].Y) observed++;
            }
            int count = to - from;
            bins.Add(new CalibrationBin(count, expected / count, (double)observed / count));
            double variance = expected * (1 - expected / count);
            if (variance <= 0) continue;
            statistic += (observed - expected) * (observed - expected) / variance;
            used++;
        }
        var result = new LiveCalibration(n, rows.Average(r => r.P), rows.Count(r => r.Y) / (double)n, rows.Average(r => r.Brier), rows.Average(r => r.LogLoss), bins);
        if (task.Kind != TaskKind.Binary || used < 3) return result;
        return result with { HosmerLemeshow = statistic, HosmerLemeshowP = ChiSquare.PValue(statistic, used - 2) };
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }
}
