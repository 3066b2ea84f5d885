using Lepton.Reports.Statistics;

namespace Lepton.Reports.Tests.Statistics;

/// <summary>The threshold sweep of a yes/no model's report: the one-pass grid held equal to counting every threshold afresh.</summary>
public sealed class ThresholdSweepTests
{
    private static (double[] P, bool[] Y) Scores(int n, int seed)
    {
        var rng = new Random(seed);
        var p = new double[n];
        var y = new bool[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.NextDouble() < 0.1;
            p[i] = Math.Round(Math.Clamp((y[i] ? 0.45 : 0.15) + (rng.NextDouble() - 0.5) * 0.6, 0, 1), 2); // ties, and 0 and 1 exactly
        }
        return (p, y);
    }

    [Theory]
    [InlineData(500, 1)]
    [InlineData(3000, 2)]
    public void Grid_MatchesCountingEachThresholdAfresh(int n, int seed)
    {
        var (p, y) = Scores(n, seed);
        var sweep = ThresholdSweep.Of(p, y);
        Assert.Equal(101, sweep.Grid.Count);
        Assert.Equal(y.Count(v => v), sweep.Positives);
        foreach (var point in sweep.Grid)
        {
            var plain = ThresholdSweep.At(p, y, point.Threshold);
            Assert.Equal(plain.PredictedPositive, point.PredictedPositive);
            Assert.Equal(plain.Precision, point.Precision, 12);
            Assert.Equal(plain.Recall, point.Recall, 12);
            Assert.Equal(plain.F1, point.F1, 12);
        }
        Assert.Equal(n, sweep.Grid[0].PredictedPositive); // threshold 0 calls every row positive
        // The best F1 over the distinct probabilities is at least every grid point's.
        Assert.All(sweep.Grid, g => Assert.True(sweep.BestF1.F1 >= g.F1 - 1e-12));
        var distinct = p.Distinct().Select(t => ThresholdSweep.At(p, y, t)).MaxBy(x => x.F1);
        Assert.Equal(distinct.F1, sweep.BestF1.F1, 12);
    }
}
