using Lepton.Engine;
using Lepton.NN.Layers;

namespace Lepton.NN.Tests;

/// <summary>Shape mismatches name the layer, the expected and the received shape, and the fix.</summary>
public class LayerErrorTests
{
    [Fact]
    public void Conv2dChannelMismatchSuggestsTheFix()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(3, 8, 3).Forward(Tensor.Zeros(8, 1, 28, 28)));
        Assert.Equal("Conv2d(in_channels=3) expected input (N,3,H,W), got (8,1,28,28). Did you mean in_channels=1?", e.Message);
    }

    [Fact]
    public void LinearFeatureMismatchNamesBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(3136, 10).Forward(Tensor.Zeros(64, 784)));
        Assert.StartsWith("Linear(in_features=3136) got input (64,784)", e.Message);
    }

    [Fact]
    public void SequentialNamesTheFailingLayer()
    {
        var model = new Sequential(new Flatten(), new Linear(10, 2));
        var e = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(2, 3, 3)));
        Assert.StartsWith("Layer 1 (Linear): Linear(in_features=10) got input (2,9)", e.Message);
    }

    [Fact]
    public void MissingBatchDimensionIsExplained()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(1, 2, 3).Forward(Tensor.Zeros(1, 28, 28)));
        Assert.Contains("Add a batch dimension", e.Message);
    }

    [Fact]
    public void LayerNormAndBatchNormNameExpectedShapes()
    {
        Assert.Contains("expected input ending in (4)", Assert.Throws<ArgumentException>(() => new LayerNorm(4).Forward(Tensor.Zeros(2, 5))).Message);
        Assert.Contains("Did you mean num_features=5?", Assert.Throws<ArgumentException>(() => new BatchNorm1d(4).Forward(Tensor.Zeros(2, 5))).Message);
    }

    [Fact]
    public void DefaultInitializationFollowsPyTorchBounds()
    {
        var a = new Linear(100, 50);
        Assert.All(a.Weight.Value.ToArray(), v => Assert.InRange(v, -0.1f, 0.1f));
        Assert.All(a.Bias!.Value.ToArray(), v => Assert.InRange(v, -0.1f, 0.1f));
        var c = new Linear(100, 50, rng: new Generator(9));
        Assert.NotEqual(a.Weight.Value.ToArray(), c.Weight.Value.ToArray());
    }

    [Fact]
    public void InitializersHaveTheRightSpread()
    {
        var w = Tensor.Zeros(400, 300);
        Init.KaimingNormal(w, new Generator(1), mode: FanMode.FanIn, nonlinearity: Nonlinearity.ReLU);
        Assert.Equal(Math.Sqrt(2.0 / 300), Math.Sqrt(w.Var().ToDoubleArray()[0]), 3);
        Init.XavierUniform(w, new Generator(2));
        double bound = Math.Sqrt(6.0 / 700);
        Assert.All(w.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.Equal(bound / Math.Sqrt(3), Math.Sqrt(w.Var().ToDoubleArray()[0]), 3);
        Init.XavierNormal(w, new Generator(3), gain: 2);
        Assert.Equal(2 * Math.Sqrt(2.0 / 700), Math.Sqrt(w.Var().ToDoubleArray()[0]), 3);
        Init.KaimingUniform(w, new Generator(4), mode: FanMode.FanOut, nonlinearity: Nonlinearity.ReLU);
        Assert.Equal(Math.Sqrt(2.0 / 400), Math.Sqrt(w.Var().ToDoubleArray()[0]), 3);
        Init.Constant(w, 0.5);
        Assert.All(w.ToArray(), v => Assert.Equal(0.5f, v));
    }
}
