using Lepton.Reports.Statistics;
using Lepton.Training.Metrics;

namespace Lepton.Reports.Tests.Statistics;

public sealed class CurveAndCalibrationTests
{
    [Fact]
    public void ClassCurves_AveragePrecisionAndRoc_MatchHandComputedValues()
    {
        // Class 1 scores 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.6 (neg): AP = 0.5·1 + 0 + 0.5·(2/3) (scikit-learn: 0.8333).
        double[] p1 = [0.9, 0.8, 0.7, 0.6];
        int[] labels = [1, 0, 1, 0];
        var probabilities = p1.SelectMany(p => new[] { 1 - p, p }).ToArray();
        var curves = ClassCurves.OneVsRest(probabilities, labels, ["a", "b"]);
        Assert.Equal(0.5 + 0.5 * 2 / 3.0, curves[1].AveragePrecision, 12);
        Assert.Equal(0.75, curves[1].RocAuc, 12);
        Assert.Equal(RocAuc.Binary(p1, labels.Select(l => l == 1).ToArray()), curves[1].RocAuc);
        Assert.Equal([(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)], curves[1].Roc);
        Assert.Equal(2, curves[0].Positives);
    }

    [Fact]
    public void ClassCurves_TiesMoveTogether_AndThinningKeepsTheEnds()
    {
        double[] scores = [0.5, 0.5, 0.5, 0.5];
        int[] labels = [1, 0, 1, 0];
        var curve = ClassCurves.OneVsRest(scores.SelectMany(p => new[] { 1 - p, p }).ToArray(), labels, ["a", "b"])[1];
        Assert.Equal([(0.0, 0.0), (1.0, 1.0)], curve.Roc);
        var points = Enumerable.Range(0, 1001).Select(i => (i / 1000.0, i / 1000.0)).ToList();
        var thin = ClassCurves.Thin(points, 200);
        Assert.Equal(200, thin.Count);
        Assert.Equal(points[0], thin[0]);
        Assert.Equal(points[^1], thin[^1]);
    }

    [Fact]
    public void Calibration_BinsAndEce_MatchHandComputedValues()
    {
        // Two bins: (0, 0.5] holds 0.3 (wrong); (0.5, 1] holds 0.6 (right), 0.8 (right), 0.9 (wrong), 1.0 (right).
        double[] confidence = [0.3, 0.6, 0.8, 0.9, 1.0];
        bool[] correct = [false, true, true, false, true];
        var r = Calibration.Of(confidence, correct, bins: 2);
        Assert.Equal(1, r.Bins[0].Count);
        Assert.Equal(0.3, r.Bins[0].MeanConfidence, 12);
        Assert.Equal(0, r.Bins[0].Accuracy);
        Assert.Equal(4, r.Bins[1].Count);
        Assert.Equal(0.825, r.Bins[1].MeanConfidence, 12);
        Assert.Equal(0.75, r.Bins[1].Accuracy, 12);
        // ECE = 1/5 · 0.3 + 4/5 · 0.075
        Assert.Equal(0.2 * 0.3 + 0.8 * 0.075, r.ExpectedCalibrationError, 12);
        Assert.Equal(0.3, r.MaxCalibrationError, 12);
        Assert.Throws<ArgumentException>(() => Calibration.Of([1.5], [true]));
    }
}
