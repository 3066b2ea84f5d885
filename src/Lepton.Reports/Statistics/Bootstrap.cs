using Lepton.Engine;
using Lepton.Training.Metrics;

namespace Lepton.Reports.Statistics;

/// <summary>
/// Seeded bootstrap confidence intervals of a classifier's headline metrics: the examples are drawn with replacement
/// <c>resamples</c> times and each draw is scored by Training's <see cref="ClassificationReport"/>, so the intervals
/// describe exactly the numbers the report shows. The same seed gives the same intervals.
/// </summary>
public static class Bootstrap
{
    /// <summary>The metrics the intervals cover, by their evaluation names.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["accuracy", "macro_f1", "weighted_f1"];

    public static IReadOnlyDictionary<string, Interval> ClassificationIntervals(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classes,
        int resamples, ulong seed, double level = 0.95)
    {
        if (predicted.Length != actual.Length)
            throw new ArgumentException($"Bootstrap: {predicted.Length} predictions for {actual.Length} labels.");
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        if (level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(level), $"level must be in (0, 1), got {level}.");
        var full = Values(ClassificationReport.FromPredictions(predicted, actual, classCount: classes));
        int count = actual.Length == 0 ? 0 : resamples;
        var draws = Metrics.Select(_ => new double[count]).ToArray();
        if (actual.Length > 0)
        {
            var rng = new Generator(seed);
            int n = actual.Length;
            int[] p = new int[n], a = new int[n];
            for (int r = 0; r < resamples; r++)
            {
                for (int i = 0; i < n; i++)
                {
                    int j = rng.NextInt(n);
                    p[i] = predicted[j];
                    a[i] = actual[j];
                }
                var values = Values(ClassificationReport.FromPredictions(p, a, classCount: classes));
                for (int m = 0; m < values.Length; m++) draws[m][r] = values[m];
            }
        }
        var result = new Dictionary<string, Interval>(StringComparer.Ordinal);
        for (int m = 0; m < Metrics.Count; m++) result[Metrics[m]] = Interval.Percentile(full[m], draws[m], level);
        return result;
    }

    /// <summary>accuracy, macro F1 and weighted F1 of a report, in <see cref="Metrics"/> order.</summary>
    internal static double[] Values(ClassificationReport report) => [report.Accuracy, report.MacroAverage.F1, report.WeightedAverage.F1];
}
