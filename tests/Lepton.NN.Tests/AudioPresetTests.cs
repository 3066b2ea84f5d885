using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>The keyword-spotting presets: one features input (N,1,frames,bins), one logit per class, gradients to every parameter, a folder that reloads.</summary>
public sealed class AudioPresetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-nn-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // x: (2,1,101,40), values like log-mel energies (about -14 to 2).
    private static Tensor Features(ulong seed)
    {
        var rng = new Random((int)seed);
        var values = Enumerable.Range(0, 2 * 101 * 40).Select(_ => (float)(rng.NextDouble() * 16 - 14)).ToArray();
        return Tensor.FromArray(values, 2, 1, 101, 40);
    }

    private static float[] Logits(GraphModel model, Tensor x)
    {
        using var _ = new NoGrad();
        return model.ForwardMany([x])[0].ToArray();
    }

    [Theory]
    [InlineData("kws-cnn")]
    [InlineData("kws-ds-cnn")]
    public void Build_AudioPreset_TakesFeaturesAndGivesOneLogitPerClass(string preset)
    {
        var model = AudioPresets.Build(preset, frames: 101, bins: 40, classes: 12, new Generator(1));
        Assert.Equal([AudioPresets.InputName], model.InputNames);
        Assert.Equal([-1, 1, 101, 40], model.Spec!.Inputs[0].Shape);
        model.Eval();
        var y = Logits(model, Features(1));
        Assert.Equal(2 * 12, y.Length);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        // Different clips give different logits (the network is not constant).
        Assert.NotEqual(y.AsSpan(0, 12).ToArray(), y.AsSpan(12, 12).ToArray());
    }

    [Theory]
    [InlineData("kws-cnn")]
    [InlineData("kws-ds-cnn")]
    public void Backward_AudioPreset_ReachesEveryParameter(string preset)
    {
        var model = AudioPresets.Build(preset, frames: 101, bins: 40, classes: 4, new Generator(2));
        model.Train();
        var logits = model.ForwardMany([Features(2)])[0];
        var loss = Losses.CrossEntropyLoss.Apply(logits, Tensor.FromArray(new[] { 1, 3 }, 2));
        var grads = loss.Backward();
        foreach (var p in model.Parameters())
        {
            var g = grads[p.Value];
            Assert.NotNull(g);
            Assert.Contains(g!.ToArray(), v => v != 0);
        }
    }

    [Theory]
    [InlineData("kws-cnn")]
    [InlineData("kws-ds-cnn")]
    public void Save_AudioPreset_ReloadsWithTheSameLogits(string preset)
    {
        var model = AudioPresets.Build(preset, frames: 101, bins: 40, classes: 3, new Generator(3));
        model.Eval();
        ModelFile.Save(_dir, model, new ModelSpec { Input = new InputSpec(AudioPresets.InputName, [-1, 1, 101, 40]), ClassNames = ["a", "b", "c"] });
        var loaded = (GraphModel)ModelFile.Load(_dir).Model;
        var x = Features(3);
        Assert.Equal(Logits(model, x), Logits(loaded, x));
    }

    // kws-cnn: input BN 2, conv 1·32·9 + BN 64, conv 32·64·9 + BN 128, conv 64·128·9 + BN 256, conv 128·128·9 + BN 256, fc 128·12+12.
    // kws-ds-cnn: input BN 2, stem 64·9 + BN 128, 4 x (dw 64·9 + BN 128 + pw 64·64 + BN 128), fc 64·12+12.
    [Theory]
    [InlineData("kws-cnn", 242_158)]
    [InlineData("kws-ds-cnn", 21_198)]
    public void Build_AudioPreset_HasTheDocumentedParameterCount(string preset, long parameters) =>
        Assert.Equal(parameters, AudioPresets.Build(preset, frames: 101, bins: 40, classes: 12).ParameterCount);

    [Fact]
    public void Build_UnknownOrTooSmall_NamesTheProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => AudioPresets.Build("kws-rnn", 101, 40, 3));
        Assert.Contains("kws-cnn, kws-ds-cnn", e.Message);
        e = Assert.Throws<ArgumentException>(() => AudioPresets.Build("kws-cnn", 4, 40, 3));
        Assert.Contains("at least 8 frames", e.Message);
    }

    [Theory]
    [InlineData(200, "kws-ds-cnn")]
    [InlineData(999, "kws-ds-cnn")]
    [InlineData(1000, "kws-cnn")]
    public void Auto_ByTrainingClips_ChoosesTheSmallPresetForSmallData(int examples, string expected) =>
        Assert.Equal(expected, AudioPresets.Auto(examples));
}
