using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Training.Metrics;

namespace Lepton.Training.Tests.Metrics;

/// <summary>Hand-computed edge cases of the streaming metrics: empty streams, zero divisions, constant targets, wrong inputs.</summary>
public sealed class TaskMetricEdgeTests
{
    private static readonly TaskSpec Binary = new(TaskKind.Binary);

    [Fact]
    public void Compute_BeforeAnyUpdateOrAfterReset_IsNaN()
    {
        var f1 = new F1Metric(Binary, F1Average.Binary);
        Assert.True(double.IsNaN(f1.Compute()));
        f1.Update(Tensor.FromArray(new float[] { 1f }, 1, 1), Tensor.FromArray(new float[] { 1f }, 1, 1));
        Assert.Equal(1.0, f1.Compute());
        f1.Reset();
        Assert.True(double.IsNaN(f1.Compute()));
    }

    [Fact]
    public void BinaryF1_NoPositivePredictedOrPresent_IsZeroAsSklearn()
    {
        var f1 = new F1Metric(Binary, F1Average.Binary);
        f1.Update(Tensor.FromArray(new float[] { -1f, -2f }, 2, 1), Tensor.FromArray(new float[] { 0f, 0f }, 2, 1));
        Assert.Equal(0.0, f1.Compute());
    }

    [Fact]
    public void R2_ConstantTarget_OneWhenExactElseZero()
    {
        var r2 = new RegressionMetric(RegressionMeasure.R2);
        r2.Update(Tensor.FromArray(new float[] { 3f, 3f }, 2, 1), Tensor.FromArray(new float[] { 3f, 3f }, 2));
        Assert.Equal(1.0, r2.Compute());
        r2.Reset();
        r2.Update(Tensor.FromArray(new float[] { 3f, 4f }, 2, 1), Tensor.FromArray(new float[] { 3f, 3f }, 2));
        Assert.Equal(0.0, r2.Compute());
    }

    [Fact]
    public void Regression_HandComputed()
    {
        // errors 1, -2, 0, 1 → MAE 1, RMSE √1.5; targets 1..4 → SST 5, R² = 1 - 6/5.
        var o = Tensor.FromArray(new float[] { 2, 0, 3, 5 }, 4, 1);
        var y = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 4, 1);
        var metrics = new[] { RegressionMeasure.Mae, RegressionMeasure.Rmse, RegressionMeasure.R2 }.Select(m => new RegressionMetric(m)).ToArray();
        foreach (var m in metrics) m.Update(o, y);
        Assert.Equal(1.0, metrics[0].Compute(), 12);
        Assert.Equal(Math.Sqrt(1.5), metrics[1].Compute(), 12);
        Assert.Equal(1 - 6.0 / 5, metrics[2].Compute(), 12);
        Assert.False(metrics[1].HigherIsBetter);
        Assert.True(metrics[2].HigherIsBetter);
    }

    [Fact]
    public void LogLoss_BinaryHandComputed()
    {
        var m = new LogLossMetric(Binary);
        m.Update(Tensor.FromArray(new float[] { 0f, 2f }, 2, 1), Tensor.FromArray(new float[] { 1f, 0f }, 2, 1));
        // -log σ(0) = log 2; -log(1 - σ(2)) = log(1 + e^2)
        Assert.Equal((Math.Log(2) + Math.Log(1 + Math.Exp(2))) / 2, m.Compute(), 12);
    }

    [Fact]
    public void MetricOfTheWrongTask_ErrorSaysWhichMetricsFit()
    {
        var error = Assert.Throws<ArgumentException>(() => MetricCatalog.Create("rmse", Binary));
        Assert.Contains("binary", error.Message);
        Assert.Contains("roc_auc", error.Message);
        Assert.Equal("val_rmse", "val_" + MetricCatalog.Create("rmse", new TaskSpec(TaskKind.Regression)).Name);
        Assert.Throws<InvalidOperationException>(() =>
            new AccuracyMetric(new TaskSpec(TaskKind.Regression)).Update(Tensor.Zeros(2, 1), Tensor.Zeros(2, 1)));
    }

    [Fact]
    public void BinaryMetric_TwoLogits_ErrorNamesTheShape()
    {
        var error = Assert.Throws<ArgumentException>(() => new AccuracyMetric(Binary).Update(Tensor.Zeros(3, 2), Tensor.Zeros(3, 1)));
        Assert.Contains("(N, 1)", error.Message);
        Assert.Contains("(3,2)", error.Message);
    }

    [Theory]
    [InlineData("val_rmse", false)]
    [InlineData("mae", false)]
    [InlineData("val_log_loss", false)]
    [InlineData("val_r2", true)]
    [InlineData("roc_auc", true)]
    public void HistoryBest_KnowsWhichWayEachMetricImproves(string metric, bool higher) =>
        Assert.Equal(higher, MetricMode.HigherIsBetter(metric));
}
