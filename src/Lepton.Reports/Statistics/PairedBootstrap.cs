using Lepton.Engine;
using Lepton.Training.Metrics;

namespace Lepton.Reports.Statistics;

/// <summary>
/// One metric of two models on the same examples: each model's value, the difference (second − first), its bootstrap
/// interval, and the two-sided bootstrap p-value (twice the smaller share of draws on either side of zero, add-one corrected).
/// </summary>
public sealed record PairedDifference(string Metric, double First, double Second, double Difference, double Low, double High, double PValue)
{
    /// <summary>Whether the difference is significant at level <paramref name="alpha"/>.</summary>
    public bool IsSignificant(double alpha = 0.05) => PValue < alpha;
}

/// <summary>
/// A paired bootstrap of two classifiers' metrics: each draw resamples the examples once and scores both models' predictions
/// on the same draw with Training's <see cref="ClassificationReport"/>, so the correlation between the models is kept.
/// </summary>
public static class PairedBootstrap
{
    public static IReadOnlyList<PairedDifference> Compare(ReadOnlySpan<int> first, ReadOnlySpan<int> second, ReadOnlySpan<int> actual, int classes,
        int resamples, ulong seed, double level = 0.95)
    {
        if (first.Length != actual.Length || second.Length != actual.Length)
            throw new ArgumentException($"PairedBootstrap: {first.Length} and {second.Length} predictions for {actual.Length} labels; both models must score the same examples.");
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        var a = Bootstrap.Values(ClassificationReport.FromPredictions(first, actual, classCount: classes));
        var b = Bootstrap.Values(ClassificationReport.FromPredictions(second, actual, classCount: classes));
        int metrics = Bootstrap.Metrics.Count, n = actual.Length;
        var draws = Enumerable.Range(0, metrics).Select(_ => new double[n == 0 ? 0 : resamples]).ToArray();
        if (n > 0)
        {
            var rng = new Generator(seed);
            int[] p1 = new int[n], p2 = new int[n], y = new int[n];
            for (int r = 0; r < resamples; r++)
            {
                for (int i = 0; i < n; i++)
                {
                    int j = rng.NextInt(n);
                    p1[i] = first[j];
                    p2[i] = second[j];
                    y[i] = actual[j];
                }
                var v1 = Bootstrap.Values(ClassificationReport.FromPredictions(p1, y, classCount: classes));
                var v2 = Bootstrap.Values(ClassificationReport.FromPredictions(p2, y, classCount: classes));
                for (int m = 0; m < metrics; m++) draws[m][r] = v2[m] - v1[m];
            }
        }
        return [.. Enumerable.Range(0, metrics).Select(m => Summarize(Bootstrap.Metrics[m], a[m], b[m], draws[m], level))];
    }

    /// <summary>
    /// One metric's paired difference from its bootstrap draws of (second − first): the percentile interval and the two-sided
    /// p-value, add-one corrected (Davison and Hinkley: a p-value from R draws is never below 2/(R+1)).
    /// </summary>
    public static PairedDifference Summarize(string metric, double first, double second, double[] draws, double level)
    {
        ArgumentNullException.ThrowIfNull(draws);
        int atOrBelow = draws.Count(v => v <= 0), atOrAbove = draws.Count(v => v >= 0);
        double p = draws.Length == 0 ? 1 : Math.Min(1, 2.0 * (Math.Min(atOrBelow, atOrAbove) + 1) / (draws.Length + 1));
        var interval = Interval.Percentile(second - first, draws, level);
        return new PairedDifference(metric, first, second, second - first, interval.Low, interval.High, p);
    }
}
