using Lepton.Engine;
using Lepton.Reports.Statistics;
using Lepton.Training.Metrics;

namespace Lepton.Reports.Tests.Statistics;

public sealed class BootstrapTests
{
    private static (int[] Predicted, int[] Actual) Predictions(int n, double accuracy, ulong seed)
    {
        var rng = new Generator(seed);
        var actual = new int[n];
        var predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            actual[i] = rng.NextInt(3);
            predicted[i] = rng.NextDouble() < accuracy ? actual[i] : (actual[i] + 1 + rng.NextInt(2)) % 3;
        }
        return (predicted, actual);
    }

    [Fact]
    public void Intervals_SameSeed_AreIdentical_OtherSeed_Differ()
    {
        var (p, a) = Predictions(500, 0.8, 1);
        var first = Bootstrap.ClassificationIntervals(p, a, 3, 300, seed: 9);
        var again = Bootstrap.ClassificationIntervals(p, a, 3, 300, seed: 9);
        var other = Bootstrap.ClassificationIntervals(p, a, 3, 300, seed: 10);
        Assert.Equal(first, again);
        Assert.NotEqual(first["accuracy"], other["accuracy"]);
        var report = ClassificationReport.FromPredictions(p, a, classCount: 3);
        Assert.Equal(report.Accuracy, first["accuracy"].Estimate);
        Assert.Equal(report.MacroAverage.F1, first["macro_f1"].Estimate);
        Assert.Equal(report.WeightedAverage.F1, first["weighted_f1"].Estimate);
    }

    [Fact]
    public void AccuracyInterval_MatchesTheBinomialStandardError()
    {
        // For accuracy 0.8 on 2,000 examples the 95% interval is about ±1.96·√(0.8·0.2/2000) = ±0.0175.
        var (p, a) = Predictions(2000, 0.8, 2);
        var i = Bootstrap.ClassificationIntervals(p, a, 3, 1000, seed: 4)["accuracy"];
        double halfWidth = (i.High - i.Low) / 2, expected = 1.96 * Math.Sqrt(i.Estimate * (1 - i.Estimate) / 2000);
        Assert.InRange(halfWidth, expected * 0.85, expected * 1.15);
        Assert.InRange(i.Estimate, i.Low, i.High);
    }

    [Fact]
    public void PairedBootstrap_SeesAClearGap_AndNoneBetweenAModelAndItself()
    {
        var (p, a) = Predictions(2000, 0.7, 3);
        var better = (int[])p.Clone();
        for (int i = 0; i < better.Length && i < 600; i++) better[i] = a[i];
        var gap = PairedBootstrap.Compare(p, better, a, 3, 500, seed: 1);
        Assert.All(gap, d => Assert.True(d.IsSignificant(), $"{d.Metric}: p = {d.PValue}"));
        Assert.All(gap, d => Assert.True(d.Low > 0, $"{d.Metric}: [{d.Low}, {d.High}]"));
        var accuracy = gap.Single(d => d.Metric == "accuracy");
        Assert.Equal(ClassificationReport.FromPredictions(better, a, classCount: 3).Accuracy - ClassificationReport.FromPredictions(p, a, classCount: 3).Accuracy,
            accuracy.Difference, 12);
        var same = PairedBootstrap.Compare(p, p, a, 3, 200, seed: 1);
        Assert.All(same, d => Assert.False(d.IsSignificant()));
        Assert.Equal(gap.Select(d => d.PValue), PairedBootstrap.Compare(p, better, a, 3, 500, seed: 1).Select(d => d.PValue));
    }

    [Fact]
    public void Quantile_InterpolatesLikeNumPy()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(1.75, Interval.Quantile(sorted, 0.25), 12);
        Assert.Equal(2.5, Interval.Quantile(sorted, 0.5), 12);
        Assert.Equal(4, Interval.Quantile(sorted, 1), 12);
    }
}
