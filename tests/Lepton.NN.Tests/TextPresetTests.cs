using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>The text presets: two inputs (ids, mask), one logit per class, padding that changes nothing, and a model folder that reloads.</summary>
public sealed class TextPresetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-nn-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // Row 0 has 5 tokens, row 1 has 3 then 2 pads (id 1): ids (2,5), mask (2,5).
    private static (Tensor Ids, Tensor Mask) Batch() => (
        Tensor.FromArray(new[] { 5, 9, 2, 40, 7, 3, 8, 11, 1, 1 }, 2, 5),
        Tensor.FromArray(new[] { 1f, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, 2, 5));

    private static float[] Logits(GraphModel model, Tensor ids, Tensor mask)
    {
        using var _ = new NoGrad();
        return model.ForwardMany([ids, mask])[0].ToArray();
    }

    [Theory]
    [InlineData("text-bow")]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    public void Build_TextPreset_TakesIdsAndMaskAndGivesOneLogitPerClass(string preset)
    {
        var model = TextPresets.Build(preset, vocabSize: 50, classes: 3, maxLength: 16, new Generator(1));
        Assert.Equal(["ids", "mask"], model.InputNames);
        Assert.Equal([DType.Int32, DType.Float32], model.Spec!.Inputs.Select(i => i.DType));
        model.Eval();
        var (ids, mask) = Batch();
        var y = Logits(model, ids, mask);
        Assert.Equal(2 * 3, y.Length);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData("text-bow")]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    public void Forward_PaddedRow_EqualsTheRowAlone(string preset)
    {
        var model = TextPresets.Build(preset, vocabSize: 50, classes: 3, maxLength: 16, new Generator(2));
        model.Eval();
        var (ids, mask) = Batch();
        var padded = Logits(model, ids, mask);
        var alone = Logits(model, Tensor.FromArray(new[] { 3, 8, 11 }, 1, 3), Tensor.FromArray(new[] { 1f, 1, 1 }, 1, 3));
        for (int k = 0; k < 3; k++) Assert.Equal(alone[k], padded[3 + k], 4);
    }

    [Theory]
    [InlineData("text-bow")]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    public void Save_TextPreset_ReloadsWithBothInputsAndTheSameLogits(string preset)
    {
        var model = TextPresets.Build(preset, vocabSize: 50, classes: 3, maxLength: 16, new Generator(3));
        model.Eval();
        ModelFile.Save(_dir, model, new ModelSpec { Input = new InputSpec("ids", [-1, -1], DType.Int32), ClassNames = ["a", "b", "c"] });
        var loaded = ModelFile.Load(_dir);
        Assert.Equal(["ids", "mask"], loaded.Spec.Inputs.Select(i => i.Name));
        var (ids, mask) = Batch();
        Assert.Equal(Logits(model, ids, mask), Logits((GraphModel)loaded.Model, ids, mask));
    }

    [Theory]
    [InlineData("text-bow", 2_560_195)]
    [InlineData("text-lstm", 578_947)]
    [InlineData("text-transformer", 595_523)]
    public void Build_TextPreset_HasTheDocumentedParameterCount(string preset, long parameters) =>
        Assert.Equal(parameters, TextPresets.Build(preset, vocabSize: 8000, classes: 3, maxLength: 256).ParameterCount);

    [Fact]
    public void Build_UnknownTextPreset_NamesTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => TextPresets.Build("text-cnn", 50, 3));
        Assert.Contains("text-bow, text-lstm, text-transformer", e.Message);
    }

    [Theory]
    [InlineData(500, "text-bow")]
    [InlineData(19_999, "text-bow")]
    [InlineData(20_000, "text-lstm")]
    public void Auto_ByTrainingTexts_ChoosesBowForSmallData(int examples, string expected) =>
        Assert.Equal(expected, TextPresets.Auto(examples));
}
