using Lepton.Engine;
using Lepton.NN.Losses;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>Losses against hand-computed values, and Float64 gradient checks of each.</summary>
public class LossTests
{
    [Fact]
    public void CrossEntropyHandComputed()
    {
        // logits [0, ln 3] with target 1: p = 3/4, loss = -ln(3/4).
        var logits = Tensor.FromArray(new[] { 0.0, Math.Log(3) }, 1, 2);
        var loss = CrossEntropyLoss.Apply(logits, Tensor.FromArray(new[] { 1 }, 1));
        Assert.Equal(-Math.Log(0.75), loss.ToDoubleArray()[0], 12);
        // Smoothing 0.2 with 2 classes: 0.8·(-ln p1) + 0.1·(-ln p0 - ln p1).
        var smoothed = CrossEntropyLoss.Apply(logits, Tensor.FromArray(new[] { 1 }, 1), new CrossEntropyOptions(LabelSmoothing: 0.2));
        Assert.Equal(0.8 * -Math.Log(0.75) + 0.1 * (-Math.Log(0.25) - Math.Log(0.75)), smoothed.ToDoubleArray()[0], 12);
    }

    [Fact]
    public void WeightedCrossEntropyMeanDividesByTargetWeights()
    {
        var logits = Tensor.FromArray(new[] { 0.0, 0.0, 0.0, 0.0 }, 2, 2);
        var w = Tensor.FromArray(new[] { 1.0, 3.0 }, 2);
        var loss = CrossEntropyLoss.Apply(logits, Tensor.FromArray(new[] { 0, 1 }, 2), new CrossEntropyOptions(w));
        // (1·ln2 + 3·ln2) / (1 + 3) = ln 2
        Assert.Equal(Math.Log(2), loss.ToDoubleArray()[0], 12);
    }

    [Fact]
    public void RegressionLossesHandComputed()
    {
        var x = Tensor.FromArray(new[] { 0.0, 2.0, -1.0 }, 3);
        var y = Tensor.FromArray(new[] { 0.5, 0.0, -1.0 }, 3);
        Assert.Equal((0.25 + 4) / 3, MSELoss.Apply(x, y).ToDoubleArray()[0], 12);
        Assert.Equal(2.5 / 3, L1Loss.Apply(x, y).ToDoubleArray()[0], 12);
        // delta 1: 0.5·0.25 and 1·(2 - 0.5), then 0.
        Assert.Equal((0.125 + 1.5) / 3, HuberLoss.Apply(x, y, 1.0).ToDoubleArray()[0], 12);
        Assert.Equal(4.25, MSELoss.Apply(x, y, Reduction.Sum).ToDoubleArray()[0], 12);
        Assert.Equal([0.5, 2.0, 0.0], L1Loss.Apply(x, y, Reduction.None).ToDoubleArray());
        // q 0.9: the target above the prediction by 0.5 costs 0.9·0.5, the one below by 2 costs 0.1·2.
        Assert.Equal([0.45, 0.2, 0.0], PinballLoss.Apply(x, y, 0.9, Reduction.None).ToDoubleArray().Select(v => Math.Round(v, 12)));
        Assert.Equal(L1Loss.Apply(x, y).ToDoubleArray()[0] / 2, PinballLoss.Apply(x, y, 0.5).ToDoubleArray()[0], 12);
        Assert.Throws<ArgumentException>(() => PinballLoss.Apply(x, y, 1.0));
    }

    [Fact]
    public void LogLinkLossesHandComputed()
    {
        var x = Tensor.FromArray(new[] { 0.0, Math.Log(2), -1.0 }, 3); // log means: 1, 2, e^-1
        var y = Tensor.FromArray(new[] { 0.0, 3.0, 1.0 }, 3);
        // exp(x) - y·x: 1, 2 - 3 ln 2, e^-1 + 1.
        var poisson = PoissonNLLLoss.Apply(x, y, Reduction.None).ToDoubleArray();
        Assert.Equal(1.0, poisson[0], 12);
        Assert.Equal(2 - 3 * Math.Log(2), poisson[1], 12);
        Assert.Equal(Math.Exp(-1) + 1, poisson[2], 12);
        // gamma: y·e^-x + x; Tweedie 1.5: -y·e^(-x/2)/(-1/2) + e^(x/2)/(1/2).
        var gammaY = Tensor.FromArray(new[] { 0.5, 3.0, 1.0 }, 3);
        Assert.Equal(0.5 * 1 + 0, TweedieDevianceLoss.Apply(x, gammaY, 2, Reduction.None).ToDoubleArray()[0], 12);
        Assert.Equal(3.0 / 2 + Math.Log(2), TweedieDevianceLoss.Apply(x, gammaY, 2, Reduction.None).ToDoubleArray()[1], 12);
        Assert.Equal(2 * 3 * Math.Exp(-Math.Log(2) / 2) + 2 * Math.Exp(Math.Log(2) / 2), TweedieDevianceLoss.Apply(x, y, 1.5, Reduction.None).ToDoubleArray()[1], 12);
        Assert.Throws<ArgumentException>(() => TweedieDevianceLoss.Apply(x, y, 1.0));
    }

    [Fact]
    public void PinballLossMinimizerIsTheQuantile()
    {
        // The constant c minimizing the mean pinball loss over 1..10 at q = 0.8 is the 8th value: the loss is lowest there.
        var y = Tensor.FromArray(Enumerable.Range(1, 10).Select(v => (double)v).ToArray(), 10);
        double LossAt(double c) => PinballLoss.Apply(Tensor.Full(new Shape(10), c, DType.Float64), y, 0.8).ToDoubleArray()[0];
        var best = Enumerable.Range(0, 111).Select(i => i / 10.0).MinBy(LossAt);
        Assert.InRange(best, 8.0, 9.0);
        Assert.True(LossAt(8.0) < LossAt(7.0) && LossAt(8.0) < LossAt(10.0));
    }

    [Fact]
    public void BCEWithLogitsIsStableForLargeLogits()
    {
        var x = Tensor.FromArray(new[] { 1000.0, -1000.0, 0.0 }, 3);
        var y = Tensor.FromArray(new[] { 0.0, 0.0, 1.0 }, 3);
        var l = BCEWithLogitsLoss.Apply(x, y, new BCEWithLogitsOptions(Reduction: Reduction.None)).ToDoubleArray();
        Assert.Equal(1000.0, l[0], 9);
        Assert.Equal(0.0, l[1], 9);
        Assert.Equal(Math.Log(2), l[2], 12);
    }

    [Fact]
    public void CrossEntropyRejectsBadTargets()
    {
        var logits = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => CrossEntropyLoss.Apply(logits, Tensor.FromArray(new[] { 0, 3 }, 2)));
        Assert.Contains("target class 3 is out of range for 3 classes", e.Message);
        Assert.Throws<ArgumentException>(() => CrossEntropyLoss.Apply(logits, Tensor.Zeros(2)));
    }

    public static TheoryData<string> LossNames => new(["ce", "ce_weighted_smoothing_sum", "ce_none", "bce", "bce_pos_weight", "mse", "l1", "huber", "pinball", "poisson_nll", "gamma", "tweedie"]);

    [Theory]
    [MemberData(nameof(LossNames))]
    public void GradientCheckFloat64(string name)
    {
        var g = new Generator(11);
        var x = Tensor.Randn(new Shape(4, 3), g, 0, 2, DType.Float64).RequireGrad();
        var labels = Tensor.FromArray(new[] { 0, 2, 1, 2 }, 4);
        var target = Tensor.Rand(new Shape(4, 3), g, dtype: DType.Float64);
        var regressionTarget = Tensor.Randn(new Shape(4, 3), g, 0, 2, DType.Float64);
        var w = Tensor.FromArray(new[] { 0.5, 2.0, 1.5 }, 3);
        Func<Tensor> loss = name switch
        {
            "ce" => () => CrossEntropyLoss.Apply(x, labels),
            "ce_weighted_smoothing_sum" => () => CrossEntropyLoss.Apply(x, labels, new CrossEntropyOptions(w, 0.1, Reduction.Sum)),
            "ce_none" => () => CrossEntropyLoss.Apply(x, labels, new CrossEntropyOptions(w, 0.3, Reduction.None)).Mul(Tensor.FromArray(new[] { 1.0, -2.0, 0.5, 3.0 }, 4)).Sum(),
            "bce" => () => BCEWithLogitsLoss.Apply(x, target),
            "bce_pos_weight" => () => BCEWithLogitsLoss.Apply(x, target, new BCEWithLogitsOptions(w)),
            "mse" => () => MSELoss.Apply(x, regressionTarget),
            "l1" => () => L1Loss.Apply(x, regressionTarget),
            "pinball" => () => PinballLoss.Apply(x, regressionTarget, 0.7),
            "poisson_nll" => () => PoissonNLLLoss.Apply(x, target.Mul(4)),
            "gamma" => () => TweedieDevianceLoss.Apply(x, target.Add(0.1), 2),
            "tweedie" => () => TweedieDevianceLoss.Apply(x, target.Mul(3), 1.3),
            _ => () => HuberLoss.Apply(x, regressionTarget, 0.8),
        };
        GradCheck.Check(loss, [("input", x)]);
    }
}
