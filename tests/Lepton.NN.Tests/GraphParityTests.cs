using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>
/// The hand-written graph models of examples/models against the same torch.nn.Modules (tools/fixtures/nn_graph.py):
/// torch's weights load with every name matched and give torch's logits; the weights Lepton writes load in torch with
/// strict=True and give Lepton's logits; one training step's loss and gradients match. All within 1e-4.
/// </summary>
public class GraphParityTests
{
    private const double Tolerance = 1e-4;
    private static readonly JsonObject Json = Fixtures.Json("graph/graph.json");

    public static TheoryData<string, string> Models => new() { { "residual", "residual-cnn.json" }, { "two_input", "image-and-features.json" } };

    public static string ExamplePath(string file) => Path.GetFullPath(Path.Combine(Fixtures.Dir, "..", "..", "..", "examples", "models", file));

    private static Module Build(string file, ulong seed = 0) =>
        ModelSpec.FromJson(File.ReadAllText(ExamplePath(file)), file).BuildModel(new Generator(seed), file);

    private static List<Tensor> Inputs(string name) => Json[name + "_inputs"]!.AsArray().Select(n => Fixtures.Tensor(n)).ToList();

    [Theory]
    [MemberData(nameof(Models))]
    public void TorchWeightsGiveTorchLogits(string name, string file)
    {
        var model = Build(file);
        ModelFile.LoadWeights(model, SafetensorsReader.Read(Fixtures.PathOf($"graph/torch_{name}.safetensors")));
        model.Eval();
        using var _ = new NoGrad();
        var logits = model.ForwardMany(Inputs(name))[0];
        Assert.InRange(Close.MaxAbsDiff(Fixtures.Tensor(Json[name + "_torch_logits"]), logits), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void LeptonWeightsLoadInTorchWithTheSameLogits(string name, string file)
    {
        string path = Fixtures.PathOf($"graph/lepton_{name}.safetensors");
        var model = Build(file, seed: 21);
        if (Environment.GetEnvironmentVariable("LEPTON_WRITE_FIXTURES") == "1")
            SafetensorsWriter.Write(path, model.StateDict(), new Dictionary<string, string> { ["producer"] = "lepton" }, ModelFile.IsInt64Name);
        // The committed file is what this build writes for seed 21, so torch read Lepton's own output.
        var written = SafetensorsReader.Read(path).ToDictionary();
        foreach (var (k, v) in model.StateDict()) Assert.Equal(v.ToDoubleArray(), written[k].ToDoubleArray());
        model.Eval();
        using var _ = new NoGrad();
        var logits = model.ForwardMany(Inputs(name))[0];
        Assert.InRange(Close.MaxAbsDiff(Fixtures.Tensor(Json[name + "_lepton_logits_by_torch"]), logits), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void OneTrainingStepHasTorchsLossAndGradients(string name, string file)
    {
        var model = Build(file);
        ModelFile.LoadWeights(model, SafetensorsReader.Read(Fixtures.PathOf($"graph/torch_{name}.safetensors")));
        model.Train();
        var targets = Tensor.FromArray(Json["targets"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray(), 4);
        var loss = CrossEntropyLoss.Apply(model.ForwardMany(Inputs(name))[0], targets);
        Assert.InRange(Math.Abs(loss.Item() - Json[name + "_loss"]!.GetValue<double>()), 0, Tolerance);
        var grads = loss.Backward();
        var expected = Json[name + "_grads"]!.AsObject();
        Assert.Equal(expected.Select(kv => kv.Key).Order(), model.NamedParameters().Select(p => p.Name).Order());
        foreach (var (pname, p) in model.NamedParameters())
            Assert.True(Close.MaxAbsDiff(Fixtures.Tensor(expected[pname]), grads.Get(p.Value)) <= Tolerance, $"gradient of {pname}");
    }
}
