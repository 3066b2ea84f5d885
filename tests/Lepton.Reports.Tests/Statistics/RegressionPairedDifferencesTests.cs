using Lepton.Reports.Statistics;

namespace Lepton.Reports.Tests.Statistics;

/// <summary>The paired bootstrap of two regressors: the point differences are the metrics' own, a tie is not significant, a clear win is.</summary>
public sealed class RegressionPairedDifferencesTests
{
    [Fact]
    public void PairedDifferences_MatchTheMetrics_TiesAreNotSignificant_AClearWinIs()
    {
        var rng = new Random(4);
        var truth = Enumerable.Range(0, 300).Select(_ => rng.NextDouble() * 100).ToArray();
        var close = truth.Select(y => y + (rng.NextDouble() - 0.5) * 2).ToArray();
        var far = truth.Select(y => y + (rng.NextDouble() - 0.5) * 20).ToArray();

        var d = RegressionStatistics.PairedDifferences(far, close, truth, 500, seed: 1).ToDictionary(x => x.Metric);
        Assert.Equal(["rmse", "mae", "r2"], d.Keys);
        var a = RegressionStatistics.Of(far, truth);
        var b = RegressionStatistics.Of(close, truth);
        Assert.Equal(b.Rmse - a.Rmse, d["rmse"].Difference, 12);
        Assert.Equal(b.Mae - a.Mae, d["mae"].Difference, 12);
        Assert.Equal(b.R2 - a.R2, d["r2"].Difference, 12);
        Assert.True(d["rmse"].High < 0 && d["rmse"].IsSignificant(), $"{d["rmse"]}");
        Assert.True(d["r2"].Low > 0, $"{d["r2"]}");
        // Seeded: the same draws give the same intervals.
        Assert.Equal(d["rmse"], RegressionStatistics.PairedDifferences(far, close, truth, 500, seed: 1)[0]);

        var same = RegressionStatistics.PairedDifferences(close, close, truth, 200, seed: 1);
        Assert.All(same, x => Assert.Equal(0, x.Difference));
        Assert.All(same, x => Assert.False(x.IsSignificant()));
        Assert.Throws<ArgumentException>(() => RegressionStatistics.PairedDifferences(close, close[..10], truth, 10, seed: 1));
    }
}
