using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Tests;

/// <summary>Each input of a model replays its own preprocessing from model.json; the top-level one applies to the first input.</summary>
public sealed class InputPreprocessingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-runtime-pre", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void EachInputReplaysItsOwnPreprocessing()
    {
        var inputs = new[]
        {
            new InputSpec("a", [-1, 2]),
            new InputSpec("b", [-1, 3], Preprocessing: new PreprocessingSpec(0.5, [1, 2, 3], [2, 2, 2])),
        };
        var graph = new GraphSpec(inputs,
            [
                new GraphNode("joined", "Concat", [], ["a", "b"]),
                new GraphNode("fc", "Linear", new() { ["in_features"] = 5, ["out_features"] = 2 }, ["joined"]),
            ],
            [new GraphOutput("logits", "fc")], new Dictionary<string, GraphBlock>());
        var spec = new ModelSpec { Input = inputs[0], Graph = graph, Preprocessing = new PreprocessingSpec(Scale: 10), ClassNames = ["x", "y"] };
        ModelFile.Save(_dir, GraphBuilder.Build(graph), spec);

        var loaded = ModelFile.Load(_dir);
        Assert.Equal([1, 2, 3], loaded.Spec.Inputs[1].Preprocessing!.Mean!);
        using var predictor = new NeuralNetworkPredictor(loaded);
        var a = Tensor.FromArray([1f, 2f], 1, 2);
        var b = Tensor.FromArray([4f, 6f, 8f], 1, 3);
        Assert.Equal([10f, 20f], predictor.Preprocess(0, a).ToArray()); // the model's top-level preprocessing
        Assert.Equal([0.5f, 0.5f, 0.5f], predictor.Preprocess(1, b).ToArray()); // (x·0.5 - mean) / std
        Assert.Equal([4f, 6f, 8f], b.ToArray()); // the raw tensor stays as sent, for the prediction log

        var outputs = predictor.Predict(new TensorSet([predictor.Preprocess(0, a), predictor.Preprocess(1, b)]));
        Assert.Equal([1, 2], outputs[0].Shape.ToArray());
    }

    [Fact]
    public void ABadInputPreprocessingIsRefusedNamingTheInput()
    {
        const string json = """
            {"format_version": 2, "graph": {"inputs": [{"name": "a", "shape": [-1, 2], "preprocessing": {"mean": [1, 2], "std": [0, 1]}}],
             "nodes": [{"name": "r", "type": "ReLU", "inputs": ["a"]}], "outputs": ["r"]}}
            """;
        var e = Assert.Throws<InvalidDataException>(() => ModelSpec.FromJson(json));
        Assert.Contains("graph.inputs[0].preprocessing.std must not contain 0", e.Message);
    }
}
