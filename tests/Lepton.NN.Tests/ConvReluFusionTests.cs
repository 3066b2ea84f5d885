using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Layers;

namespace Lepton.NN.Tests;

/// <summary>
/// Conv2d → ReLU without a batch norm between runs as one <see cref="Tensor.Conv2dRelu"/>: in eval (prepared or not) the
/// layers' outputs to the bit, and in training the layers' gradients to the bit.
/// </summary>
public sealed class ConvReluFusionTests
{
    // x: (N,3,9,9) -> conv 3->8 -> ReLU -> depthwise 8 (stride 2) -> ReLU -> flatten
    private static Sequential Model() => new(
        new Conv2d(3, 8, 3, new Conv2dOptions(Padding: 1), new Generator(1)),
        new ReLU(),
        new Conv2d(8, 8, 3, new Conv2dOptions(Stride: 2, Padding: 1, Groups: 8), new Generator(2)),
        new ReLU(),
        new Flatten());

    private static Tensor Input() => Tensor.Randn(new Shape(3, 3, 9, 9), new Generator(3));

    private static Tensor LayerByLayer(Sequential model, Tensor x)
    {
        for (int i = 0; i < model.Count; i++) x = model[i].Forward(x);
        return x;
    }

    [Fact]
    public void Eval_GivesTheLayersOutputs_PreparedOrNot()
    {
        var model = Model();
        model.Eval();
        var x = Input();
        using var _ = new NoGrad();
        var expected = LayerByLayer(model, x).ToArray();
        Assert.Equal(expected, model.Forward(x).ToArray());
        model.PrepareForInference();
        Assert.Equal(expected, model.Forward(x).ToArray());
        Assert.Contains(expected, v => v > 0);
    }

    [Fact]
    public void Training_GivesTheLayersGradients()
    {
        var model = Model();
        var x = Input();
        var fused = model.Forward(x).Square().Sum().Backward();
        var ops = LayerByLayer(model, x).Square().Sum().Backward();
        foreach (var (name, p) in model.NamedParameters())
            Assert.True(ops.Get(p.Value).ToArray().SequenceEqual(fused.Get(p.Value).ToArray()), name);
    }
}
