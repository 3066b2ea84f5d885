using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>
/// The resnet and mobilenet presets against torch.nn.Modules of the same structure (tools/fixtures/nn_presets.py): the
/// weights Lepton writes (batch-norm statistics moved by a few training passes) load in torch with strict=True and give
/// Lepton's eval-mode logits within 1e-4.
/// </summary>
public class PresetParityTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Presets => new() { "resnet", "mobilenet" };

    // What the committed lepton_<preset>.safetensors holds: seed 21, 1x16x16 inputs, 10 classes, three training-mode passes.
    private static Module Build(string preset)
    {
        var model = ModelPresets.Build(preset, 1, 16, 16, 10, new Generator(21));
        model.Train();
        using (new NoGrad())
            for (ulong s = 7; s < 10; s++)
                model.Forward(Tensor.Randn(new Shape(4, 1, 16, 16), new Generator(s)).Mul(1.3).Add(0.2));
        model.Eval();
        return model;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void LeptonWeights_LoadInTorchStrictly_WithTheSameLogits(string preset)
    {
        string path = Fixtures.PathOf($"presets/lepton_{preset}.safetensors");
        var model = Build(preset);
        if (Environment.GetEnvironmentVariable("LEPTON_WRITE_FIXTURES") == "1")
            SafetensorsWriter.Write(path, model.StateDict(), new Dictionary<string, string> { ["producer"] = "lepton" }, ModelFile.IsInt64Name);
        // The committed file is what this build writes, so torch read Lepton's own output.
        var written = SafetensorsReader.Read(path).ToDictionary();
        foreach (var (k, v) in model.StateDict()) Assert.Equal(v.ToDoubleArray(), written[k].ToDoubleArray());
        var json = Fixtures.Json("presets/presets.json");
        using var _ = new NoGrad();
        var logits = model.Forward(Fixtures.Tensor(json[preset + "_input"]));
        Assert.InRange(Close.MaxAbsDiff(Fixtures.Tensor(json[preset + "_lepton_logits_by_torch"]), logits), 0, Tolerance);
    }
}
