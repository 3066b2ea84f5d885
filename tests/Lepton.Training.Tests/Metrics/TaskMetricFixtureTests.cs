using System.Text.Json;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Training.Metrics;

namespace Lepton.Training.Tests.Metrics;

/// <summary>
/// The streaming metrics (fed in uneven batches) and the task reports against scikit-learn 1.2 values written by
/// tools/fixtures/training_task_metrics.py.
/// </summary>
public sealed class TaskMetricFixtureTests
{
    private static readonly JsonElement Root = Fixture.Load("training_task_metrics.json");
    private const double Tol = 1e-6;

    // Feeds rows in batches of 7, 1 and the rest, so streaming sums must carry across batches.
    private static double Stream(IMetric metric, float[] outputs, int width, Tensor targetsAll, int rows)
    {
        metric.Reset();
        int[] cuts = [0, Math.Min(7, rows), Math.Min(8, rows), rows];
        for (int c = 0; c + 1 < cuts.Length; c++)
        {
            int from = cuts[c], to = cuts[c + 1];
            if (to == from) continue;
            var o = Tensor.FromArray(outputs[(from * width)..(to * width)], to - from, width);
            var idx = Enumerable.Range(from, to - from).Select(i => i).ToArray();
            metric.Update(o, targetsAll.IndexSelect(0, Tensor.FromArray(idx, idx.Length)));
        }
        return metric.Compute();
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("binary_threshold_0_7")]
    public void BinaryMetrics_MatchSklearn(string section)
    {
        var f = Root.GetProperty(section);
        var spec = new TaskSpec(TaskKind.Binary, Threshold: f.GetProperty("threshold").GetDouble());
        var logits = Fixture.Floats(f.GetProperty("logits"));
        var labels = Fixture.Floats(f.GetProperty("labels"));
        int n = logits.Length;
        var y = Tensor.FromArray(labels, n, 1);
        Assert.Equal(f.GetProperty("accuracy").GetDouble(), Stream(new AccuracyMetric(spec), logits, 1, y, n), Tol);
        Assert.Equal(f.GetProperty("f1").GetDouble(), Stream(new F1Metric(spec, F1Average.Binary), logits, 1, y, n), Tol);
        Assert.Equal(f.GetProperty("f1_macro").GetDouble(), Stream(new F1Metric(spec, F1Average.Macro), logits, 1, y, n), Tol);
        Assert.Equal(f.GetProperty("f1_micro").GetDouble(), Stream(new F1Metric(spec, F1Average.Micro), logits, 1, y, n), Tol);
        Assert.Equal(f.GetProperty("roc_auc").GetDouble(), Stream(new RocAucMetric(spec), logits, 1, y, n), Tol);
        Assert.Equal(f.GetProperty("log_loss").GetDouble(), Stream(new LogLossMetric(spec), logits, 1, y, n), Tol);
        // Int32 0/1 targets (N) give the same numbers.
        var ids = Tensor.FromArray(labels.Select(v => (int)v).ToArray(), n);
        Assert.Equal(f.GetProperty("f1").GetDouble(), Stream(new F1Metric(spec, F1Average.Binary), logits, 1, ids, n), Tol);

        var report = BinaryReport.FromLogits(logits, labels, spec.Threshold, ["no", "yes"], loss: 0.25);
        Assert.Equal(f.GetProperty("accuracy").GetDouble(), report.Accuracy, Tol);
        Assert.Equal(f.GetProperty("precision").GetDouble(), report.Precision, Tol);
        Assert.Equal(f.GetProperty("recall").GetDouble(), report.Recall, Tol);
        Assert.Equal(f.GetProperty("f1").GetDouble(), report.F1, Tol);
        Assert.Equal(f.GetProperty("roc_auc").GetDouble(), report.RocAuc, Tol);
        Assert.Equal(f.GetProperty("log_loss").GetDouble(), report.LogLoss, Tol);
        Assert.Equal(Fixture.Ints(f.GetProperty("confusion")).Select(v => (long)v),
            [report.TrueNegatives, report.FalsePositives, report.FalseNegatives, report.TruePositives]);
        var text = report.ToText();
        Assert.Contains("positive class 'yes'", text);
        Assert.Contains($"{report.Precision:F4}", text);
    }

    [Fact]
    public void MultiLabelMetrics_MatchSklearn()
    {
        var f = Root.GetProperty("multilabel");
        int k = f.GetProperty("width").GetInt32();
        var spec = new TaskSpec(TaskKind.MultiLabel, Threshold: f.GetProperty("threshold").GetDouble());
        var logits = Fixture.Floats(f.GetProperty("logits"));
        var labels = Fixture.Floats(f.GetProperty("labels"));
        int n = logits.Length / k;
        var y = Tensor.FromArray(labels, n, k);
        Assert.Equal(f.GetProperty("subset_accuracy").GetDouble(), Stream(new AccuracyMetric(spec), logits, k, y, n), Tol);
        Assert.Equal(f.GetProperty("f1_micro").GetDouble(), Stream(new F1Metric(spec, F1Average.Micro), logits, k, y, n), Tol);
        Assert.Equal(f.GetProperty("f1_macro").GetDouble(), Stream(new F1Metric(spec, F1Average.Macro), logits, k, y, n), Tol);
        Assert.Equal(f.GetProperty("roc_auc_macro").GetDouble(), Stream(new RocAucMetric(spec), logits, k, y, n), Tol);
        Assert.Equal(f.GetProperty("log_loss").GetDouble(), Stream(new LogLossMetric(spec), logits, k, y, n), Tol);

        var report = MultiLabelReport.FromLogits(logits, labels, k, spec.Threshold, ["a", "b", "c", "d"]);
        Assert.Equal(f.GetProperty("subset_accuracy").GetDouble(), report.SubsetAccuracy, Tol);
        Assert.Equal(f.GetProperty("hamming_loss").GetDouble(), report.HammingLoss, Tol);
        Assert.Equal(f.GetProperty("f1_micro").GetDouble(), report.MicroAverage.F1, Tol);
        Assert.Equal(f.GetProperty("f1_macro").GetDouble(), report.MacroAverage.F1, Tol);
        Assert.Equal(f.GetProperty("roc_auc_macro").GetDouble(), report.RocAucMacro, Tol);
        Assert.Equal(f.GetProperty("log_loss").GetDouble(), report.LogLoss, Tol);
        Fixture.AssertClose(Fixture.Doubles(f.GetProperty("precision_per_label")), report.Labels.Select(l => l.Precision).ToArray(), 0, Tol, "precision");
        Fixture.AssertClose(Fixture.Doubles(f.GetProperty("recall_per_label")), report.Labels.Select(l => l.Recall).ToArray(), 0, Tol, "recall");
        Fixture.AssertClose(Fixture.Doubles(f.GetProperty("f1_per_label")), report.Labels.Select(l => l.F1).ToArray(), 0, Tol, "f1");
        Fixture.AssertClose(Fixture.Doubles(f.GetProperty("roc_auc_per_label")), report.Labels.Select(l => l.RocAuc!.Value).ToArray(), 0, Tol, "roc_auc");
        Assert.Contains("hamming loss", report.ToText());
        Assert.Equal(report.MicroAverage.F1, report.Metrics["f1_micro"]);
    }

    [Fact]
    public void MulticlassMetrics_MatchSklearn()
    {
        var f = Root.GetProperty("multiclass");
        int k = f.GetProperty("width").GetInt32();
        var logits = Fixture.Floats(f.GetProperty("logits"));
        var ids = Fixture.Ints(f.GetProperty("labels"));
        int n = ids.Length;
        var y = Tensor.FromArray(ids, n);
        var spec = TaskSpec.Multiclass;
        Assert.Equal(f.GetProperty("accuracy").GetDouble(), Stream(new AccuracyMetric(spec), logits, k, y, n), Tol);
        Assert.Equal(f.GetProperty("f1_macro").GetDouble(), Stream(new F1Metric(spec), logits, k, y, n), Tol);
        Assert.Equal(f.GetProperty("f1_micro").GetDouble(), Stream(new F1Metric(spec, F1Average.Micro), logits, k, y, n), Tol);
        Assert.Equal(f.GetProperty("log_loss").GetDouble(), Stream(new LogLossMetric(spec), logits, k, y, n), Tol);
        Assert.Equal(f.GetProperty("roc_auc_ovr_macro").GetDouble(), Stream(new RocAucMetric(spec), logits, k, y, n), Tol);
        Assert.Equal("f1", new F1Metric(spec).Name);
    }

    [Fact]
    public void RegressionMetrics_MatchSklearnPerTargetAndUniformAverage()
    {
        var f = Root.GetProperty("regression");
        int k = f.GetProperty("width").GetInt32();
        var predicted = Fixture.Floats(f.GetProperty("predicted"));
        var actual = Fixture.Floats(f.GetProperty("actual"));
        int n = actual.Length / k;
        var y = Tensor.FromArray(actual, n, k);
        var mae = new RegressionMetric(RegressionMeasure.Mae);
        var rmse = new RegressionMetric(RegressionMeasure.Rmse);
        var r2 = new RegressionMetric(RegressionMeasure.R2);
        Assert.Equal(f.GetProperty("mae").GetDouble(), Stream(mae, predicted, k, y, n), Tol);
        Assert.Equal(f.GetProperty("rmse").GetDouble(), Stream(rmse, predicted, k, y, n), Tol);
        Assert.Equal(f.GetProperty("r2").GetDouble(), Stream(r2, predicted, k, y, n), Tol);
        Fixture.AssertClose(Fixture.Doubles(f.GetProperty("mae_per_target")), mae.PerTarget(), 1e-6, 1e-6, "mae");
        Fixture.AssertClose(Fixture.Doubles(f.GetProperty("rmse_per_target")), rmse.PerTarget(), 1e-6, 1e-6, "rmse");
        Fixture.AssertClose(Fixture.Doubles(f.GetProperty("r2_per_target")), r2.PerTarget(), 1e-6, 1e-6, "r2");

        var report = RegressionReport.FromValues(predicted, actual, k, ["small", "large"]);
        Assert.Equal(f.GetProperty("rmse").GetDouble(), report.Rmse, Tol);
        Assert.Equal(f.GetProperty("r2").GetDouble(), report.R2, Tol);
        Fixture.AssertClose(Fixture.Doubles(f.GetProperty("r2_per_target")), report.Targets.Select(t => t.R2).ToArray(), 1e-6, 1e-6, "report r2");
        Assert.Equal(report.Targets[1].Rmse, report.Metrics["rmse_large"]);
        Assert.Contains("large", report.ToText());
    }
}
