using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Layers;
using Lepton.NN.Presets;
using Lepton.Tests.Shared;

namespace Lepton.NN.Tests;

/// <summary>
/// A prepared (served) model runs Conv2d → BatchNorm2d [→ ReLU [→ 2x2 max pooling]] as one convolution with the batch norm
/// folded into its weights: the same outputs as the layers one by one (to float rounding); anything that may still change
/// (training, weights or statistics that are not read-only) runs the layers one by one, to the bit.
/// </summary>
public sealed class ConvBatchNormFoldingTests
{
    // x: (N,3,10,10) -> conv 3->6 -> BN -> [ReLU -> pool] -> ...
    private static Sequential Model(bool relu, bool pool, bool convBias = false)
    {
        var bn = TrainedBatchNorm.Of(new BatchNorm2d(6), seed: 2);
        var layers = new List<Module> { new Conv2d(3, 6, 3, new Conv2dOptions(Padding: 1, Bias: convBias), new Generator(1)), bn };
        if (relu) layers.Add(new ReLU());
        if (pool) layers.Add(new MaxPool2d(2));
        layers.Add(new Flatten());
        return new Sequential([.. layers]);
    }

    private static Tensor Input() => Tensor.Randn(new Shape(4, 3, 10, 10), new Generator(3));

    private static float[] LayerByLayer(Sequential model, Tensor x)
    {
        using var _ = new NoGrad();
        for (int i = 0; i < model.Count; i++) x = model[i].Forward(x);
        return x.ToArray();
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, true, true)]
    public void Prepared_FoldsTheBatchNormAndGivesTheLayersOutputs(bool relu, bool pool, bool convBias)
    {
        var model = Model(relu, pool, convBias);
        model.Eval();
        var x = Input();
        var expected = LayerByLayer(model, x);
        model.PrepareForInference();
        float[] actual;
        using (new NoGrad()) actual = model.Forward(x).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        bool anyDifferent = false;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"{i}: {actual[i]} against {expected[i]}");
            anyDifferent |= expected[i] != actual[i];
        }
        Assert.True(anyDifferent, "the folded convolution rounds differently somewhere; equal bits everywhere means it did not run");
    }

    [Fact]
    public void NotPrepared_RunsTheLayersOneByOne()
    {
        var model = Model(relu: true, pool: false);
        model.Eval();
        var x = Input();
        using var _ = new NoGrad();
        Assert.Equal(LayerByLayer(model, x), model.Forward(x).ToArray());
    }

    [Fact]
    public void StatisticsReloadedAfterPreparing_AreReadAgainNotTheFoldedCopy()
    {
        var model = Model(relu: true, pool: false);
        model.Eval();
        model.PrepareForInference();
        var x = Input();
        using var _ = new NoGrad();
        var before = model.Forward(x).ToArray();
        // New (writable) running statistics: the fold made from the old ones must not be used.
        model[1].LoadStateDict(new Dictionary<string, Tensor> { ["running_mean"] = Tensor.Zeros(6), ["running_var"] = Tensor.Ones(6) }, strict: false);
        var after = model.Forward(x).ToArray();
        Assert.NotEqual(before, after);
        Assert.Equal(LayerByLayer(model, x), after);
    }

    [Fact]
    public void GradientsWithRespectToTheInput_MatchThroughTheFoldedConvolution()
    {
        // Explanations take gradients of a served model's output with respect to its input.
        var model = Model(relu: true, pool: false);
        model.Eval();
        var reference = Model(relu: true, pool: false);
        reference.Eval();
        model.PrepareForInference();
        var x = Input();
        var xr = Input();
        x.RequiresGrad = true;
        xr.RequiresGrad = true;
        var g = model.Forward(x).Sum().Backward().Get(x).ToArray();
        var h = xr;
        for (int i = 0; i < reference.Count; i++) h = reference[i].Forward(h);
        var gr = h.Sum().Backward().Get(xr).ToArray();
        for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(g[i] - gr[i]) <= 1e-4f * (1 + Math.Abs(gr[i])), $"{i}: {g[i]} against {gr[i]}");
    }

    [Fact]
    public void ResNetGraph_Prepared_FoldsEveryConvolutionAndKeepsItsOutputs()
    {
        var model = (GraphModel)ModelPresets.Build("resnet", 1, 12, 12, 4, new Generator(5));
        var x = Tensor.Randn(new Shape(3, 1, 12, 12), new Generator(6));
        model.Eval();
        float[] expected;
        using (new NoGrad()) expected = model.Forward(x).ToArray();
        model.PrepareForInference();
        float[] actual;
        using (new NoGrad()) actual = model.Forward(x).ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{i}: {actual[i]} against {expected[i]}");
        Assert.NotEqual(expected, actual);
    }
}
