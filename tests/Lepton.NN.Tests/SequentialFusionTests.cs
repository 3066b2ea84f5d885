using Lepton.Engine;
using Lepton.NN.Layers;

namespace Lepton.NN.Tests;

/// <summary>Sequential runs ReLU followed by MaxPool2d as one fused op: outputs and gradients equal the layers run one by one.</summary>
public class SequentialFusionTests
{
    [Fact]
    public void FusedForwardAndGradientsEqualLayerByLayer()
    {
        var model = new Sequential(
            new Conv2d(1, 4, 3, new Conv2dOptions(Padding: 1), new Generator(1)),
            new ReLU(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear(4 * 7 * 7, 3, rng: new Generator(2)));
        var x = Tensor.Randn(new Shape(2, 1, 14, 14), new Generator(3));

        var fused = model.Forward(x);
        var h = x;
        for (int i = 0; i < model.Count; i++) h = model[i].Forward(h);
        Assert.Equal(h.ToArray(), fused.ToArray());

        var weight = model.Parameters().First().Value;
        var gFused = fused.Sum().Backward().Get(weight).ToArray();
        var gLayers = h.Sum().Backward().Get(weight).ToArray();
        Assert.Equal(gLayers, gFused);
    }

    [Fact]
    public void AnErrorInTheFusedPairNamesThePoolingLayer()
    {
        var model = new Sequential(new Flatten(), new ReLU(), new MaxPool2d(2));
        var ex = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(2, 1, 4, 4)));
        Assert.StartsWith("Layer 2 (MaxPool2d):", ex.Message);
    }
}
