using Lepton.Engine;

namespace Lepton.Reports.Statistics;

/// <summary>A regressor's errors on a set of rows: root mean squared error, mean absolute error and R² (1 − SSE / SST).</summary>
public sealed record RegressionMetrics(int Count, double Rmse, double Mae, double R2);

/// <summary>
/// Regression metrics and their seeded bootstrap intervals (rows drawn with replacement, each draw scored the same way), so the
/// intervals describe exactly the numbers the report shows. R² of constant labels is 1 for a perfect fit and 0 otherwise, as
/// Training's metric defines it.
/// </summary>
public static class RegressionStatistics
{
    /// <summary>The metrics the intervals cover, by their evaluation names.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["rmse", "mae", "r2"];

    public static RegressionMetrics Of(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual)
    {
        if (predicted.Length != actual.Length) throw new ArgumentException($"RegressionStatistics: {predicted.Length} predictions for {actual.Length} labels.");
        int n = actual.Length;
        if (n == 0) return new RegressionMetrics(0, double.NaN, double.NaN, double.NaN);
        double mean = 0;
        foreach (var y in actual) mean += y;
        mean /= n;
        double sse = 0, sae = 0, sst = 0;
        for (int i = 0; i < n; i++)
        {
            double e = predicted[i] - actual[i];
            sse += e * e;
            sae += Math.Abs(e);
            sst += (actual[i] - mean) * (actual[i] - mean);
        }
        double r2 = sst == 0 ? (sse == 0 ? 1 : 0) : 1 - sse / sst;
        return new RegressionMetrics(n, Math.Sqrt(sse / n), sae / n, r2);
    }

    public static IReadOnlyDictionary<string, Interval> Intervals(double[] predicted, double[] actual, int resamples, ulong seed, double level = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        if (level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(level), $"level must be in (0, 1), got {level}.");
        var full = Values(Of(predicted, actual));
        int n = actual.Length, count = n == 0 ? 0 : resamples;
        var draws = Metrics.Select(_ => new double[count]).ToArray();
        var rng = new Generator(seed);
        double[] p = new double[n], a = new double[n];
        for (int r = 0; r < count; r++)
        {
            for (int i = 0; i < n; i++)
            {
                int j = rng.NextInt(n);
                p[i] = predicted[j];
                a[i] = actual[j];
            }
            var values = Values(Of(p, a));
            for (int m = 0; m < values.Length; m++) draws[m][r] = values[m];
        }
        var result = new Dictionary<string, Interval>(StringComparer.Ordinal);
        for (int m = 0; m < Metrics.Count; m++) result[Metrics[m]] = Interval.Percentile(full[m], draws[m], level);
        return result;
    }

    private static double[] Values(RegressionMetrics m) => [m.Rmse, m.Mae, m.R2];

    /// <summary>
    /// Two regressors' rmse, mae and r2 on the same rows with a paired bootstrap of each difference (second − first): every draw
    /// resamples the rows once and scores both models on it, so their correlation is kept.
    /// </summary>
    public static IReadOnlyList<PairedDifference> PairedDifferences(double[] first, double[] second, double[] actual, int resamples, ulong seed, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(actual);
        if (first.Length != actual.Length || second.Length != actual.Length)
            throw new ArgumentException($"RegressionStatistics: {first.Length} and {second.Length} predictions for {actual.Length} labels; both models must score the same rows.");
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        var a = Values(Of(first, actual));
        var b = Values(Of(second, actual));
        int n = actual.Length, count = n == 0 ? 0 : resamples;
        var draws = Metrics.Select(_ => new double[count]).ToArray();
        var rng = new Generator(seed);
        double[] p1 = new double[n], p2 = new double[n], y = new double[n];
        for (int r = 0; r < count; r++)
        {
            for (int i = 0; i < n; i++)
            {
                int j = rng.NextInt(n);
                (p1[i], p2[i], y[i]) = (first[j], second[j], actual[j]);
            }
            var v1 = Values(Of(p1, y));
            var v2 = Values(Of(p2, y));
            for (int m = 0; m < v1.Length; m++) draws[m][r] = v2[m] - v1[m];
        }
        return [.. Enumerable.Range(0, Metrics.Count).Select(m => PairedBootstrap.Summarize(Metrics[m], a[m], b[m], draws[m], level))];
    }
}
