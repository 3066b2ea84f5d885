using System.Text.Json.Nodes;
using Lepton.Monitoring.Alerts;
using Lepton.NN.Serialization;

namespace Lepton.Monitoring.Tests.Reports;

/// <summary>
/// Live calibration against scikit-learn's Brier score and log loss and scipy's Hosmer–Lemeshow p-value (Fixtures/calibration.json,
/// from tools/fixtures/monitoring_calibration.py); rows the score cannot read are left out; the rules and their label counts.
/// </summary>
public sealed class LiveCalibrationTests
{
    private static readonly JsonNode Fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "calibration.json")))!;
    private static readonly MonitoredTask Binary = new(TaskKind.Binary, ["no", "yes"], []);

    private static T[] Array<T>(JsonNode node) => [.. node.AsArray().Select(v => v!.GetValue<T>())];

    private static LoggedLabel Label(string predicted, string truth, params double[]? probabilities) =>
        new(1, DateTimeOffset.UnixEpoch, predicted, truth) { Probabilities = probabilities };

    [Fact]
    public void YesNo_MatchesScikitLearnAndScipy_DecileByDecile()
    {
        var f = Fixture["binary"]!;
        var p = Array<double>(f["p"]!);
        var y = Array<int>(f["y"]!);
        var labels = p.Select((v, i) => Label(v >= 0.5 ? "yes" : "no", y[i] == 1 ? "yes" : "no", v)).ToList();
        var c = LiveCalibrationCalculator.Compute(labels, Binary)!;
        Assert.Equal(p.Length, c.Labels);
        Assert.Equal(f["mean"]!.GetValue<double>(), c.MeanProbability, 12);
        Assert.Equal(f["rate"]!.GetValue<double>(), c.ObservedRate, 12);
        Assert.Equal(f["brier"]!.GetValue<double>(), c.Brier, 12);
        Assert.Equal(f["log_loss"]!.GetValue<double>(), c.LogLoss, 12);
        var bins = f["bins"]!.AsArray();
        Assert.Equal(bins.Count, c.Bins.Count);
        for (int b = 0; b < bins.Count; b++)
        {
            Assert.Equal(bins[b]!["count"]!.GetValue<int>(), c.Bins[b].Count);
            Assert.Equal(bins[b]!["mean"]!.GetValue<double>(), c.Bins[b].MeanProbability, 12);
            Assert.Equal(bins[b]!["rate"]!.GetValue<double>(), c.Bins[b].ObservedRate, 12);
        }
        Assert.Equal(f["hl"]!.GetValue<double>(), c.HosmerLemeshow!.Value, 9);
        Assert.Equal(f["hl_p"]!.GetValue<double>(), c.HosmerLemeshowP!.Value, 9);
        Assert.True(c.Gap > 0.05, $"the fixture's model overstates: gap {c.Gap}"); // outcomes at 0.7 of the probability
    }

    [Fact]
    public void Multiclass_IsTheConfidenceInTheAnswerAgainstItsAccuracy()
    {
        var f = Fixture["multiclass"]!;
        var proba = Array<double>(f["proba"]!);
        var truth = Array<int>(f["truth"]!);
        string[] names = ["a", "b", "c"];
        var labels = truth.Select((t, i) => Label("a", names[t], proba[(i * 3)..(i * 3 + 3)])).ToList();
        var c = LiveCalibrationCalculator.Compute(labels, new MonitoredTask(TaskKind.Multiclass, names, []))!;
        Assert.Equal(f["mean"]!.GetValue<double>(), c.MeanProbability, 12);
        Assert.Equal(f["rate"]!.GetValue<double>(), c.ObservedRate, 12);
        Assert.Equal(f["brier"]!.GetValue<double>(), c.Brier, 12);
        Assert.Equal(f["log_loss"]!.GetValue<double>(), c.LogLoss, 12);
        Assert.Null(c.HosmerLemeshowP);
    }

    [Fact]
    public void RowsWithoutProbabilitiesOrWithAnUnknownTruth_AreLeftOut()
    {
        var labels = new[]
        {
            Label("yes", "yes", 0.9), Label("no", "no", 0.2), Label("no", "yes"), // logged before probabilities were kept
        };
        var c = LiveCalibrationCalculator.Compute(labels, Binary)!;
        Assert.Equal(2, c.Labels);
        Assert.Equal(0.55, c.MeanProbability, 12);
        Assert.Null(c.HosmerLemeshowP); // two bins: no degrees of freedom left
        Assert.Null(LiveCalibrationCalculator.Compute([Label("no", "yes")], Binary));
        var three = new MonitoredTask(TaskKind.Multiclass, ["a", "b", "c"], []);
        Assert.Null(LiveCalibrationCalculator.Compute([Label("a", "z", 0.5, 0.3, 0.2), Label("a", "a", 0.5, 0.5)], three));
        Assert.Null(LiveCalibrationCalculator.Compute([Label("1.5", "2", 1.5)], new MonitoredTask(TaskKind.Regression, [], [])));
    }

    [Fact]
    public void Rules_ReadTheGapEitherWay_TheBrierScoreAndLogLoss_OverEnoughLabels()
    {
        var calibration = new LiveCalibration(400, 0.15, 0.03, 0.07, 0.22, []);
        var report = new VersionReport("fraud", 1, 400, 1, 0, 0, 1, 2, 3, new Dictionary<string, double>(), new Dictionary<string, double>(), [], null, null, Task: "binary")
        {
            Calibration = calibration,
        };
        Assert.Equal(0.12, AlertEvaluator.ValueOf(report, AlertRule.Parse("calibration.gap > 0.05"))!.Value, 12);
        Assert.Equal(0.12, AlertEvaluator.ValueOf(report with { Calibration = calibration with { MeanProbability = -0.09 } }, AlertRule.Parse("calibration.gap > 0.05"))!.Value, 12);
        Assert.Equal(0.07, AlertEvaluator.ValueOf(report, AlertRule.Parse("live.brier > 0.05"))!.Value);
        Assert.Equal(0.22, AlertEvaluator.ValueOf(report, AlertRule.Parse("live.log_loss > 0.1 over 400 labels"))!.Value);
        Assert.Null(AlertEvaluator.ValueOf(report, AlertRule.Parse("calibration.gap > 0.05 over 500 labels")));
        Assert.Null(AlertEvaluator.ValueOf(report with { Calibration = null }, AlertRule.Parse("live.brier > 0.05")));
        Assert.Contains("calibration.gap", Assert.Throws<FormatException>(() => AlertRule.Parse("calibration.gap > 5 over")).Message);
    }
}
