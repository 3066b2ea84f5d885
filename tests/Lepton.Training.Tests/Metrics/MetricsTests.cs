using Lepton.Engine;
using Lepton.Training.Metrics;

namespace Lepton.Training.Tests.Metrics;

/// <summary>Metrics on small cases checked by hand (and against scikit-learn's conventions).</summary>
public sealed class MetricsTests
{
    // Confusion (rows true, cols predicted): [2,1,0] [0,1,1] [0,0,1].
    private static readonly int[] Actual = [0, 0, 0, 1, 1, 2];
    private static readonly int[] Predicted = [0, 1, 0, 1, 2, 2];

    [Fact]
    public void ClassificationReportPerClassAndAverages()
    {
        var r = ClassificationReport.FromPredictions(Predicted, Actual, ["a", "b", "c"]);
        Assert.Equal(4.0 / 6, r.Accuracy, 12);
        Assert.Equal(6, r.Count);
        Assert.Equal([[2, 1, 0], [0, 1, 1], [0, 0, 1]], r.ConfusionMatrix);

        AssertMetrics(r.Classes[0], "a", 1.0, 2.0 / 3, 0.8, 3);
        AssertMetrics(r.Classes[1], "b", 0.5, 0.5, 0.5, 2);
        AssertMetrics(r.Classes[2], "c", 0.5, 1.0, 2.0 / 3, 1);
        AssertMetrics(r.MacroAverage, "macro avg", 2.0 / 3, 13.0 / 18, (0.8 + 0.5 + 2.0 / 3) / 3, 6);
        AssertMetrics(r.WeightedAverage, "weighted avg", 0.75, 4.0 / 6, (0.8 * 3 + 0.5 * 2 + 2.0 / 3) / 6, 6);
        Assert.Null(r.RocAucMacro);
    }

    [Fact]
    public void ClassNeverPredictedHasZeroPrecisionNotNaN()
    {
        var r = ClassificationReport.FromPredictions([0, 0], [0, 1], classCount: 3);
        Assert.Equal(3, r.Classes.Count);
        Assert.Equal(0, r.Classes[1].Precision);
        Assert.Equal(0, r.Classes[1].F1);
        Assert.Equal(0, r.Classes[2].Support);
        Assert.Equal("2", r.Classes[2].Name);
    }

    [Fact]
    public void FromLogitsAddsRocAucAndLoss()
    {
        // Class 1 scores rank the positives perfectly; class 0's inverse ranking also perfect.
        var logits = Tensor.FromArray([2f, -1f, 1f, 0f, -1f, 1f, -2f, 3f], 4, 2);
        var targets = Tensor.FromArray([0, 0, 1, 1], 4);
        var r = ClassificationReport.FromLogits(logits, targets, ["neg", "pos"], loss: 0.25);
        Assert.Equal(1.0, r.Accuracy);
        Assert.Equal(1.0, r.RocAucMacro!.Value, 12);
        Assert.Equal(1.0, r.Classes[1].RocAuc!.Value, 12);
        Assert.Equal(0.25, r.Loss);
        var text = r.ToText();
        Assert.Contains("macro avg", text);
        Assert.Contains("confusion matrix", text);
        Assert.Contains("roc-auc", text);
    }

    [Fact]
    public void BinaryRocAucMatchesTheScikitLearnExample()
    {
        Assert.Equal(0.75, RocAuc.Binary([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);
        Assert.Equal(0.5, RocAuc.Binary([0.5, 0.5], [false, true]), 12);
        Assert.True(double.IsNaN(RocAuc.Binary([0.5, 0.7], [true, true])));
    }

    [Fact]
    public void OneVsRestAveragesClassesPresentInTheLabels()
    {
        double[] scores = [0.7, 0.2, 0.1, 0.2, 0.6, 0.2, 0.5, 0.3, 0.2];
        var (per, macro) = RocAuc.OneVsRest(scores, [0, 1, 1], 3);
        Assert.Equal(1.0, per[0], 12);
        Assert.Equal(1.0, per[1], 12);
        Assert.True(double.IsNaN(per[2]));
        Assert.Equal(1.0, macro, 12);
    }

    [Fact]
    public void RegressionMaeRmseR2()
    {
        var m = RegressionMetrics.Compute([1f, 2f, 3f], [1f, 1f, 5f]);
        Assert.Equal(1.0, m.Mae, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3), m.Rmse, 12);
        Assert.Equal(1 - 45.0 / 96, m.R2, 12);
    }

    [Fact]
    public void RunningAccuracyAccumulatesOverBatches()
    {
        var acc = new RunningAccuracy();
        acc.Update(Tensor.FromArray([1f, 0f, 0f, 1f], 2, 2), Tensor.FromArray([0, 0], 2));
        acc.Update(Tensor.FromArray([0f, 5f], 1, 2), Tensor.FromArray([1], 1));
        Assert.Equal(2, acc.Correct);
        Assert.Equal(3, acc.Total);
        Assert.Equal(2.0 / 3, acc.Value, 12);
        Assert.Contains("(N,C)", Assert.Throws<ArgumentException>(() => acc.Update(Tensor.Zeros(3), Tensor.FromArray([0, 1, 0], 3))).Message);
    }

    private static void AssertMetrics(ClassMetrics m, string name, double p, double r, double f1, int support)
    {
        Assert.Equal(name, m.Name);
        Assert.Equal(p, m.Precision, 12);
        Assert.Equal(r, m.Recall, 12);
        Assert.Equal(f1, m.F1, 12);
        Assert.Equal(support, m.Support);
    }
}
