using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>The size-aware presets: shapes for several inputs, graph presets that save and load, and the automatic choice.</summary>
public sealed class ModelPresetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-nn-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("mlp", 1, 28, 28)]
    [InlineData("cnn", 3, 32, 32)]
    [InlineData("cnn-bn", 3, 20, 36)]
    [InlineData("resnet", 1, 28, 28)]
    [InlineData("resnet", 3, 64, 64)]
    [InlineData("mobilenet", 3, 32, 32)]
    [InlineData("mobilenet", 1, 96, 96)]
    public void Build_AnyInputSize_GivesOneLogitPerClass(string preset, int channels, int height, int width)
    {
        var model = ModelPresets.Build(preset, channels, height, width, 7, new Generator(1));
        model.Eval();
        using var _ = new NoGrad();
        var y = model.Forward(Tensor.Randn(new Shape(2, channels, height, width), new Generator(2)));
        Assert.Equal(new Shape(2, 7), y.Shape);
        Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData("resnet", 308_074)]
    [InlineData("mobilenet", 136_202)]
    public void Build_GraphPreset_HasTheDocumentedParameterCount(string preset, int parameters)
    {
        var model = ModelPresets.Build(preset, 1, 28, 28, 10, new Generator(1));
        Assert.IsType<GraphModel>(model);
        Assert.Equal(parameters, model.Parameters().Sum(p => p.Value.Shape.Size));
    }

    [Fact]
    public void Build_OldOverloadOnGraphPreset_NamesTheSizeAwareOverload()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelPresets.Build("resnet"));
        Assert.Contains("inChannels, height, width, classes", e.Message);
    }

    [Fact]
    public void Build_OldOverload_StillGivesTheReferenceCnn()
    {
        var old = ModelPresets.Build("cnn", rng: new Generator(3));
        var sized = ModelPresets.Build("cnn", 1, 28, 28, 10, new Generator(3));
        Assert.Equal(old.StateDict().Select(kv => kv.Value.ToArray()), sized.StateDict().Select(kv => kv.Value.ToArray()));
    }

    [Theory]
    [InlineData("resnet")]
    [InlineData("mobilenet")]
    public void Save_GraphPreset_LoadsWithTheSameLogits(string preset)
    {
        var model = ModelPresets.Build(preset, 3, 32, 32, 4, new Generator(5));
        model.Eval();
        ModelFile.Save(_dir, model, new ModelSpec { Input = new InputSpec("image", [-1, 3, 32, 32]), ClassNames = ["a", "b", "c", "d"] });
        var loaded = ModelFile.Load(_dir).Model;
        loaded.Eval();
        using var _ = new NoGrad();
        var x = Tensor.Randn(new Shape(2, 3, 32, 32), new Generator(6));
        Assert.Equal(model.Forward(x).ToArray(), loaded.Forward(x).ToArray());
    }

    [Theory]
    [InlineData(500, 28, 28, "cnn-bn")]
    [InlineData(60_000, 28, 28, "resnet")]
    [InlineData(1_999, 64, 64, "cnn-bn")]
    [InlineData(2_000, 64, 64, "resnet")]
    [InlineData(300, 128, 160, "mobilenet")]
    public void Auto_DataSize_ChoosesByTheDocumentedRule(int examples, int height, int width, string expected) =>
        Assert.Equal(expected, ModelPresets.Auto(examples, height, width));
}
