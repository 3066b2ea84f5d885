using Lepton.Runtime.Calibration;
using Lepton.Training.Classic;

namespace Lepton.Training.Tests.Classic;

/// <summary>
/// Fitting a table classifier's calibration: a yes/no model mapped from its log-odds, a multiclass one class by class; auto's
/// choice by the rarest class's held-out rows; refusals that name the fix.
/// </summary>
public sealed class ProbabilityCalibratorTests
{
    [Fact]
    public void Auto_IsIsotonicOnlyWhenEveryClassHasAThousandHeldOutRows()
    {
        var binary = TabularTask.Binary();
        float[] rare = [.. Enumerable.Range(0, 20_000).Select(i => i % 40 == 0 ? 1f : 0f)]; // 500 positives
        float[] even = [.. Enumerable.Range(0, 2_000).Select(i => (float)(i % 2))];
        Assert.Equal("sigmoid", ProbabilityCalibrator.Resolve("auto", binary, rare));
        Assert.Equal("isotonic", ProbabilityCalibrator.Resolve("auto", binary, even));
        Assert.Equal("isotonic", ProbabilityCalibrator.Resolve("isotonic", binary, rare));
        var three = TabularTask.Classification(["a", "b", "c"]);
        Assert.Equal("sigmoid", ProbabilityCalibrator.Resolve("auto", three, even)); // class c has no rows
    }

    [Fact]
    public void YesNo_IsMappedFromLogOdds_SoASigmoidOfAnOverconfidentModelTamesItsSlope()
    {
        // Probabilities from log-odds three times too large: Platt's slope on the log-odds comes back near one third.
        var rng = new Random(3);
        int n = 4000;
        var p = new double[n];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double z = rng.NextDouble() * 6 - 3;
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0;
            p[i] = 1 / (1 + Math.Exp(-3 * z));
        }
        var calibration = ProbabilityCalibrator.Fit("sigmoid", TabularTask.Binary(), p, y, "test rows");
        var platt = Assert.IsType<PlattScaling>(Assert.Single(calibration.Maps));
        Assert.InRange(platt.Slope, 0.28, 0.39);
        Assert.InRange(platt.Intercept, -0.15, 0.15);
        Assert.Equal(("sigmoid", 2, n, "test rows"), (calibration.Method, calibration.Classes, calibration.Rows, calibration.Source));
    }

    [Fact]
    public void Multiclass_GetsOneMapPerClass_AndRowsSumToOne()
    {
        var task = TabularTask.Classification(["a", "b", "c"]);
        var rng = new Random(4);
        int n = 900;
        var p = new double[n * 3];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 3;
            for (int c = 0; c < 3; c++) p[i * 3 + c] = c == i % 3 ? 0.4 + 0.2 * rng.NextDouble() : 0.2 + 0.1 * rng.NextDouble();
            double sum = p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2];
            for (int c = 0; c < 3; c++) p[i * 3 + c] /= sum;
        }
        var calibration = ProbabilityCalibrator.Fit("isotonic", task, p, y, "test rows");
        Assert.Equal(3, calibration.Maps.Count);
        var calibrated = (double[])p.Clone();
        calibration.ApplyAll(calibrated);
        for (int i = 0; i < n; i++) Assert.Equal(1.0, calibrated[i * 3] + calibrated[i * 3 + 1] + calibrated[i * 3 + 2], 12);
        // Underconfident scores that rank perfectly become confident.
        Assert.True(calibrated[0] > p[0] + 0.3, $"{p[0]} -> {calibrated[0]}");
    }

    [Fact]
    public void Refusals_NameTheProblem()
    {
        Assert.Contains("give sigmoid", Assert.Throws<ArgumentException>(() => ProbabilityCalibrator.Check("platt")).Message);
        Assert.Contains("both classes", Assert.Throws<ArgumentException>(() => ProbabilityCalibrator.Fit("sigmoid", TabularTask.Binary(), [0.2, 0.3], [0, 0], "the validation split")).Message);
        Assert.Contains("regressor", Assert.Throws<ArgumentException>(() => ProbabilityCalibrator.Fit("sigmoid", TabularTask.Regression(), [0.2], [1], "x")).Message);
        Assert.Contains("has none", Assert.Throws<ArgumentException>(() => ProbabilityCalibrator.Fit("sigmoid", TabularTask.Binary(), [], [], "the validation split")).Message);
    }
}
