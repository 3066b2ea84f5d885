using Lepton.Monitoring.Alerts;
using Lepton.NN.Serialization;
using Lepton.Runtime.Conformal;

namespace Lepton.Monitoring.Tests.Reports;

/// <summary>
/// Live coverage of conformal answers from feedback: a regressor's intervals rebuilt from its logged values, a classifier's sets from
/// its logged probabilities and answers; pooled over versions only when they promise the same; the <c>interval.coverage</c> rule
/// and its Prometheus gauge.
/// </summary>
public sealed class LiveCoverageTests
{
    private static LoggedLabel Label(string predicted, string truth, params double[]? probabilities) =>
        new(1, DateTimeOffset.UnixEpoch, predicted, truth) { Probabilities = probabilities };

    private static readonly MonitoredTask Prices = new(TaskKind.Regression, [], []) { Intervals = new ConformalIntervals("absolute", 0.9, 2) };

    [Fact]
    public void Regressor_CountsTheTruthsInsideTheIntervalsOfItsLoggedValues()
    {
        var labels = new[] { Label("10", "11.5"), Label("10", "12"), Label("10", "12.5"), Label("20", "17"), Label("oops", "3"), Label("5", "[1, 2]") };
        var c = LiveCoverageCalculator.Compute(labels, Prices)!;
        Assert.Equal(4, c.Labels); // the unreadable answer and the two-value truth are left out
        Assert.Equal(2, c.Covered); // 12 sits on the bound: held
        Assert.Equal(0.5, c.Coverage);
        Assert.Equal(0.4, c.Shortfall, 12);
        Assert.Equal(4, c.MeanWidth);
        Assert.False(c.IsSet);
        Assert.Null(LiveCoverageCalculator.Compute(labels, Prices with { Intervals = null }));
        // A one-sided bound says no width.
        var bound = LiveCoverageCalculator.Compute(labels, Prices with { Intervals = new ConformalIntervals("upper", 0.9, 1) })!;
        Assert.Equal(1, bound.Covered);
        Assert.Null(bound.MeanWidth);
    }

    [Fact]
    public void Classifier_RebuildsEachSetFromTheLoggedProbabilitiesAndAnswer()
    {
        // Classes with probability ≥ 0.4 join the answer: 0.55 → {yes, no}, 0.7 → {yes}, 0.1 → {no}.
        var sets = new ConformalIntervals("probability", 0.8, 0.6);
        var binary = new MonitoredTask(TaskKind.Binary, ["no", "yes"], []) { Intervals = sets };
        var c = LiveCoverageCalculator.Compute([Label("yes", "no", 0.55), Label("yes", "no", 0.7), Label("no", "no", 0.1), Label("no", "maybe", 0.2), Label("no", "yes")], binary)!;
        Assert.Equal(3, c.Labels);
        Assert.Equal(2, c.Covered); // an unknown truth and a row without probabilities are left out
        Assert.Equal(4 / 3.0, c.MeanSetSize!.Value, 12);
        Assert.True(c.IsSet);
        Assert.Equal([new LiveClassCoverage("no", 3, 2)], c.ByClass); // no "yes" label came back
        // Multiclass: classes with probability ≥ 0.3 join: {a, b}, {a, b}, {b}.
        var three = new MonitoredTask(TaskKind.Multiclass, ["a", "b", "c"], []) { Intervals = new ConformalIntervals("probability", 0.9, 0.7) };
        var m = LiveCoverageCalculator.Compute([Label("a", "b", 0.5, 0.4, 0.1), Label("a", "c", 0.5, 0.4, 0.1), Label("b", "b", 0.2, 0.7, 0.1)], three)!;
        Assert.Equal((3, 2), (m.Labels, m.Covered));
        Assert.Equal([new LiveClassCoverage("b", 2, 2), new LiveClassCoverage("c", 1, 0)], m.ByClass);
        // Pooled over versions, class by class.
        var pooled = LiveCoverageCalculator.Pool([m, m])!;
        Assert.Equal([new LiveClassCoverage("b", 4, 4), new LiveClassCoverage("c", 2, 0)], pooled.ByClass);
        Assert.Equal(5 / 3.0, m.MeanSetSize!.Value, 12);
    }

    [Fact]
    public void Pooling_SumsVersionsThatPromiseTheSame_AndRefusesToMixLevels()
    {
        var a = new LiveCoverage(100, 90, 0.9) { MeanWidth = 4 };
        var b = new LiveCoverage(300, 240, 0.9) { MeanWidth = 8 };
        var pooled = LiveCoverageCalculator.Pool([a, null, b])!;
        Assert.Equal((400, 330, 0.9), (pooled.Labels, pooled.Covered, pooled.Level));
        Assert.Equal(7, pooled.MeanWidth);
        Assert.Null(LiveCoverageCalculator.Pool([a, b with { Level = 0.8 }]));
        Assert.Null(LiveCoverageCalculator.Pool([null]));
    }

    [Fact]
    public void TheRule_ReadsCoverageOverEnoughLabels_AndPrometheusGetsItsGauge()
    {
        var report = new VersionReport("prices", 2, 400, 1, 0, 0, 1, 2, 3, new Dictionary<string, double>(), new Dictionary<string, double>(), [], null, null, Task: "regression")
        {
            Coverage = new LiveCoverage(400, 300, 0.9) { MeanWidth = 5 },
        };
        Assert.Equal(0.75, AlertEvaluator.ValueOf(report, AlertRule.Parse("interval.coverage < 0.85 over 200 labels"))!.Value);
        Assert.Null(AlertEvaluator.ValueOf(report, AlertRule.Parse("interval.coverage < 0.85 over 500 labels")));
        Assert.Null(AlertEvaluator.ValueOf(report with { Coverage = null }, AlertRule.Parse("interval.coverage < 0.85")));
        var text = new Lepton.Serving.Http.PrometheusText();
        var window = new MonitorWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(15));
        AlertMetrics.Write(text, [new MonitorReport("prices", window, report with { Version = null }, [report], [])], [], []);
        Assert.Contains("lepton_live_interval_coverage{model=\"prices\",version=\"2\"} 0.75", text.ToString());
    }
}
