using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>Graph models (model.json version 2): blocks, several inputs, save/load, and clear errors for bad graphs.</summary>
public sealed class GraphModelTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-nn-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static ModelSpec Example(string file) => ModelSpec.FromJson(File.ReadAllText(GraphParityTests.ExamplePath(file)), file);

    [Fact]
    public void ResidualCnnNamesTensorsLikeTorchModulePaths()
    {
        var model = Example("residual-cnn.json").BuildModel();
        var names = model.StateDict().Keys.ToList();
        Assert.Contains("layer1.conv1.weight", names);
        Assert.Contains("layer1.bn2.running_var", names);
        Assert.Contains("layer2.proj.weight", names);
        Assert.Contains("layer2.proj_bn.num_batches_tracked", names);
        Assert.Contains("layer3.conv2.weight", names);
        Assert.Equal([32, 32, 3, 3], model.StateDict()["layer3.conv2.weight"].Shape.ToArray());
        Assert.DoesNotContain(names, n => n.StartsWith("pool", StringComparison.Ordinal) || n.Contains("add", StringComparison.Ordinal));
        var shapes = ShapeProbe.OutputShapes(model, Example("residual-cnn.json").Inputs);
        Assert.Equal([1, 10], shapes[0].ToArray());
    }

    [Fact]
    public void BlockInstancesStartWithDifferentWeights()
    {
        var model = Example("residual-cnn.json").BuildModel();
        var state = model.StateDict();
        Assert.NotEqual(state["layer1.conv1.weight"].ToArray(), state["layer1.conv2.weight"].ToArray());
    }

    [Theory]
    [InlineData("residual-cnn.json")]
    [InlineData("image-and-features.json")]
    public void SaveThenLoadWritesVersionTwoAndGivesTheSameOutputs(string file)
    {
        var spec = Example(file);
        var model = spec.BuildModel(new Generator(3));
        var inputs = spec.Inputs.Select((i, k) => Tensor.Randn(new Shape([2, .. i.Shape[1..]]), new Generator(10 + (ulong)k))).ToList();
        model.ForwardMany(inputs); // moves batch-norm statistics
        model.Eval();
        ModelFile.Save(_dir, model, spec with { Metrics = new Dictionary<string, double> { ["test_accuracy"] = 0.5 } });

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, ModelFile.SpecFileName)))!;
        Assert.Equal(2, json["format_version"]!.GetValue<int>());
        Assert.Null(json["architecture"]);
        var loaded = ModelFile.Load(_dir);
        Assert.Equal(spec.Inputs.Select(i => i.Name), loaded.Spec.Inputs.Select(i => i.Name));
        Assert.Equal(0.5, loaded.Spec.Metrics["test_accuracy"]);
        using var _ = new NoGrad();
        Assert.Equal(model.ForwardMany(inputs)[0].ToArray(), loaded.Model.ForwardMany(inputs)[0].ToArray());
    }

    [Fact]
    public void TwoInputModelTrainsBothBranches()
    {
        var model = Example("image-and-features.json").BuildModel(new Generator(1));
        var image = Tensor.Rand(new Shape(3, 1, 28, 28), new Generator(2));
        var features = Tensor.Randn(new Shape(3, 4), new Generator(3));
        var loss = model.ForwardMany([image, features])[0].Square().Sum();
        var grads = loss.Backward();
        foreach (var (name, p) in model.NamedParameters())
            Assert.True(grads.Get(p.Value).Abs().Sum().Item() > 0, $"{name} received no gradient");
        var e = Assert.Throws<ArgumentException>(() => model.Forward(image));
        Assert.Contains("has 2 inputs (image, features)", e.Message);
    }

    [Fact]
    public void SequentialStillSavesAsVersionOne()
    {
        var model = new Sequential(new Layers.Linear(4, 2));
        ModelFile.Save(_dir, model, new ModelSpec { Input = new InputSpec("x", [-1, 4]) });
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, ModelFile.SpecFileName)))!;
        Assert.Equal(1, json["format_version"]!.GetValue<int>());
        Assert.IsType<Sequential>(ModelFile.Load(_dir).Model);
    }

    private const string Head = """{"format_version": 2, "graph": {"inputs": [{"name": "x", "shape": [-1, 4]}, {"name": "y", "shape": [-1, 3]}], """;

    [Theory]
    [InlineData(Head + """
        "nodes": [{"name": "a", "type": "Linear", "options": {"in_features": 4, "out_features": 4}, "inputs": ["b"]},
                  {"name": "b", "type": "ReLU", "inputs": ["a"]}], "outputs": ["b"]}}
        """, "nodes 'a' -> 'b' -> 'a' form a cycle")]
    [InlineData(Head + """
        "nodes": [{"name": "a", "type": "Linear", "options": {"in_features": 4, "out_features": 4}, "inputs": ["z"]}], "outputs": ["a"]}}
        """, "node 'a' (Linear): \"z\" is neither an input nor a node. Inputs: x, y; nodes: a")]
    [InlineData(Head + """
        "nodes": [{"name": "sum", "type": "Add", "inputs": ["x", "y"]}], "outputs": ["sum"]}}
        """, "node 'sum' (Add): Add cannot combine inputs of shapes (1,4) and (1,3)")]
    [InlineData(Head + """
        "nodes": [{"name": "d", "type": "Dense", "inputs": ["x"]}], "outputs": ["d"]}}
        """, "node 'd' (Dense): unknown type \"Dense\"")]
    [InlineData(Head + """
        "nodes": [{"name": "a", "type": "Linear", "options": {"in_features": 4, "out_features": 2}, "inputs": ["x", "y"]}], "outputs": ["a"]}}
        """, "node 'a' (Linear): takes 1 input(s), but \"inputs\" lists 2")]
    [InlineData(Head + """
        "nodes": [{"name": "a", "type": "Linear", "options": {"in_features": 3, "out_features": 2}, "inputs": ["x"]}], "outputs": ["a"]}}
        """, "node 'a' (Linear): Linear(in_features=3")]
    [InlineData(Head + """
        "nodes": [{"name": "a", "type": "ReLU", "inputs": ["x"]}, {"name": "a", "type": "ReLU", "inputs": ["y"]}], "outputs": ["a"]}}
        """, "node \"a\" is declared twice")]
    [InlineData(Head + """
        "nodes": [{"name": "a", "type": "ReLU", "inputs": ["x:1"]}], "outputs": ["a"]}}
        """, "\"x:1\" asks for output 1, but 'x' has 1 output(s)")]
    [InlineData(Head + """
        "nodes": [{"name": "a", "type": "ReLU", "inputs": ["x"]}], "outputs": ["q"]}}
        """, "output: \"q\" is neither an input nor a node")]
    [InlineData(Head + """
        "blocks": {"B": {"inputs": ["i"], "nodes": [{"name": "n", "type": "B", "inputs": ["i"]}], "outputs": ["n"]}},
        "nodes": [{"name": "a", "type": "B", "inputs": ["x"]}], "outputs": ["a"]}}
        """, "blocks B -> B contain themselves")]
    [InlineData(Head + """
        "blocks": {"B": {"parameters": {"width": null}, "inputs": ["i"],
                         "nodes": [{"name": "fc", "type": "Linear", "options": {"in_features": 4, "out_features": "$width"}, "inputs": ["i"]}], "outputs": ["fc"]}},
        "nodes": [{"name": "a", "type": "B", "inputs": ["x"]}], "outputs": ["a"]}}
        """, "node 'a' (B): block parameter \"width\" is required")]
    [InlineData(Head + """
        "blocks": {"B": {"parameters": {"width": 2}, "inputs": ["i"],
                         "nodes": [{"name": "fc", "type": "Linear", "options": {"in_features": 5, "out_features": "$width"}, "inputs": ["i"]}], "outputs": ["fc"]}},
        "nodes": [{"name": "a", "type": "B", "inputs": ["x"]}], "outputs": ["a"]}}
        """, "node 'a.fc' (Linear): Linear(in_features=5")]
    [InlineData(Head + """
        "blocks": {"B": {"inputs": ["i"], "nodes": [{"name": "fc", "type": "Linear", "options": {"in_features": 4, "out_features": 3}, "inputs": ["i"]},
                                                   {"name": "sum", "type": "Add", "inputs": ["fc", "i"]}], "outputs": ["sum"]}},
        "nodes": [{"name": "a", "type": "B", "inputs": ["x"]}], "outputs": ["a"]}}
        """, "node 'a.sum' (Add): Add cannot combine inputs of shapes (1,3) and (1,4)")]
    [InlineData("""{"format_version": 2, "architecture": [], "graph": {}}""", "remove \"architecture\"")]
    [InlineData("""{"format_version": 1, "input": {"shape": [-1, 4]}, "architecture": [], "graph": {}}""", "a \"graph\" needs \"format_version\": 2")]
    public void BadGraphIsRefusedAtLoadNamingTheNode(string json, string message)
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "model.json"), json);
        File.WriteAllBytes(Path.Combine(_dir, "weights.safetensors"), SafetensorsWriter.ToBytes([]));
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void WeightsWithATensorTheGraphDoesNotOwnAreRefused()
    {
        var spec = Example("image-and-features.json");
        var model = spec.BuildModel();
        ModelFile.Save(_dir, model, spec);
        var state = model.StateDict().ToDictionary();
        state["head.scale"] = Tensor.Ones(2);
        SafetensorsWriter.Write(Path.Combine(_dir, ModelFile.WeightsFileName), state);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir));
        Assert.Contains("head.scale", e.Message);
    }

    [Fact]
    public void ChainsOfFusableNodesRunAsOneOpWithTheSameValuesAndGradients()
    {
        var model = Assert.IsType<GraphModel>(Example("image-and-features.json").BuildModel(new Generator(4)));
        Assert.Contains("conv1+relu1+pool1+conv2+relu2+gap", model.ExecutionPlan);
        Assert.Contains("dense", model.ExecutionPlan); // Linear -> ReLU declares no fusion: separate steps
        var layer = model.NamedChildren().ToDictionary(c => c.Name, c => c.Module);
        var image = Tensor.Rand(new Shape(2, 1, 28, 28), new Generator(5));
        var features = Tensor.Randn(new Shape(2, 4), new Generator(6));

        var graph = model.ForwardMany([image, features])[0];
        var x = layer["pool1"].Forward(layer["relu1"].Forward(layer["conv1"].Forward(image)));
        x = layer["relu2"].Forward(layer["conv2"].Forward(x)).Mean([2, 3]);
        var f = layer["dense"].Forward(features).Relu();
        var byLayers = layer["head"].Forward(Tensor.Concat([x, f], 1));
        Assert.Equal(byLayers.ToArray(), graph.ToArray());

        var weight = layer["conv1"].Parameters().First().Value;
        Assert.Equal(byLayers.Sum().Backward().Get(weight).ToArray(), graph.Sum().Backward().Get(weight).ToArray());
    }

    [Fact]
    public void AnErrorInsideAFusedChainNamesTheNode()
    {
        var model = Example("image-and-features.json").BuildModel();
        var e = Assert.Throws<GraphNodeException>(() => model.ForwardMany([Tensor.Zeros(2, 3, 28, 28), Tensor.Zeros(2, 4)]));
        Assert.Equal("conv1", e.NodePath);
        Assert.StartsWith("node 'conv1' (Conv2d): Conv2d(in_channels=1) expected input (N,1,H,W)", e.Message);
    }

    private const string ChainGraph = """
        {"format_version": 2, "graph": {
          "inputs": [{"name": "image", "shape": [-1, 2, 10, 10]}],
          "blocks": {"ConvBlock": {"parameters": {"cin": null, "cout": null}, "inputs": ["x"], "nodes": [
              {"name": "conv", "type": "Conv2d", "options": {"in_channels": "$cin", "out_channels": "$cout", "kernel_size": 3, "padding": 1}, "inputs": ["x"]},
              {"name": "bn", "type": "BatchNorm2d", "options": {"num_features": "$cout"}, "inputs": ["conv"]},
              {"name": "relu", "type": "ReLU", "inputs": ["bn"]}], "outputs": ["relu"]}},
          "nodes": [
            {"name": "block1", "type": "ConvBlock", "options": {"cin": 2, "cout": 4}, "inputs": ["image"]},
            {"name": "pool", "type": "MaxPool2d", "options": {"kernel_size": 2}, "inputs": ["block1"]},
            {"name": "block2", "type": "ConvBlock", "options": {"cin": 4, "cout": 6}, "inputs": ["pool"]},
            {"name": "flat", "type": "Flatten", "inputs": ["block2"]},
            {"name": "fc", "type": "Linear", "options": {"in_features": 150, "out_features": 3}, "inputs": ["flat"]}],
          "outputs": ["fc"]}}
        """;

    [Fact]
    public void AChainGraphTrainsWithPlannedStepsThatEqualTheRecordedOps() =>
        AssertPlannedEqualsRecorded(ModelSpec.FromJson(ChainGraph).BuildModel(new Generator(8)), ModelSpec.FromJson(ChainGraph).BuildModel(new Generator(8)),
            new Shape(4, 2, 10, 10), Tensor.FromArray([0, 2, 1, 2], 4));

    // One training step recorded and planned on twin models: the same loss, gradients and batch-norm running statistics, bit for bit.
    private static void AssertPlannedEqualsRecorded(Module recorded, Module planned, Shape shape, Tensor y)
    {
        recorded.Train();
        planned.Train();
        var step = Planned.PlannedTrainingStep.TryCreate(planned, shape, out var reason);
        Assert.True(step is not null, reason);
        var x = Tensor.Randn(shape, new Generator(9));
        var loss = Losses.CrossEntropyLoss.Apply(recorded.Forward(x), y);
        var grads = loss.Backward();
        Assert.Equal(loss.Item(), step!.Run(x, y));
        var rp = recorded.NamedParameters().ToArray();
        var pp = planned.NamedParameters().ToArray();
        for (int i = 0; i < rp.Length; i++)
            Assert.True(grads.Get(rp[i].Parameter.Value).ToArray().SequenceEqual(step.Gradients.Get(pp[i].Parameter.Value).ToArray()), $"gradient of {rp[i].Name}");
        var rb = recorded.StateDict();
        var pb = planned.StateDict();
        foreach (var (name, t) in rb) Assert.True(t.ToArray().SequenceEqual(pb[name].ToArray()), name);
    }

    [Fact]
    public void AResidualGraphWithANodeWithoutAPlannedFormFallsBackToRecordedStepsAndSaysWhy()
    {
        var model = Example("residual-cnn.json").BuildModel();
        Assert.Null(Planned.PlannedTrainingStep.TryCreate(model, new Shape(2, 1, 28, 28), out var reason));
        Assert.Equal("node 'pool' (Mean) has no planned form", reason);
    }

    [Fact]
    public void TheResNetPresetTrainsWithPlannedStepsThatEqualTheRecordedOps()
    {
        // Identity shortcuts (a block's input feeds its first convolution and its add) and projection shortcuts (a strided
        // 1x1 convolution and batch norm beside the main path).
        AssertPlannedEqualsRecorded(Presets.ModelPresets.Build("resnet", 1, 12, 12, 3, new Generator(5)), Presets.ModelPresets.Build("resnet", 1, 12, 12, 3, new Generator(5)),
            new Shape(4, 1, 12, 12), Tensor.FromArray([0, 2, 1, 2], 4));
    }

    [Fact]
    public void AValueReadThreeTimesFallsBackToRecordedStepsAndSaysWhy()
    {
        const string json = """
            {"format_version": 2, "graph": {
              "inputs": [{"name": "image", "shape": [-1, 1, 6, 6]}],
              "nodes": [
                {"name": "conv", "type": "Conv2d", "options": {"in_channels": 1, "out_channels": 2, "kernel_size": 3, "padding": 1}, "inputs": ["image"]},
                {"name": "sum", "type": "Add", "inputs": ["conv", "conv", "conv"]},
                {"name": "flat", "type": "Flatten", "inputs": ["sum"]},
                {"name": "fc", "type": "Linear", "options": {"in_features": 72, "out_features": 2}, "inputs": ["flat"]}],
              "outputs": ["fc"]}}
            """;
        Assert.Null(Planned.PlannedTrainingStep.TryCreate(ModelSpec.FromJson(json).BuildModel(), new Shape(2, 1, 6, 6), out var reason));
        Assert.Equal("a value is read 3 times (last by 'sum'); planned steps sum at most two gradients per value", reason);
    }

    [Fact]
    public void SavingAGraphKeepsWhatTheCallerSaysOfAnInputOfTheSameNameAndShape()
    {
        var spec = Example("residual-cnn.json");
        ModelFile.Save(_dir, spec.BuildModel(), spec with { Input = InputSpec.ForImage("image", 1, 28, 28, "fit"), Graph = null });
        var loaded = ModelFile.Load(_dir).Spec;
        Assert.Equal(InputKind.Image, loaded.Input.Kind);
        Assert.Equal("fit", loaded.Inputs[0].Image!.Resize);

        // Another name or shape than the graph's input: the graph's own declaration stands.
        ModelFile.Save(_dir, spec.BuildModel(), spec with { Input = InputSpec.ForImage("photo", 3, 28, 28), Graph = null });
        Assert.Equal(InputKind.Tensor, ModelFile.Load(_dir).Spec.Input.Kind);
    }
}
