using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>Model folders: the full spec round trip, hand-written model.json, and clear errors for bad folders.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-nn-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static Sequential SmallCnn() => new(
        new Conv2d(1, 4, 3, new Conv2dOptions(Padding: 1)), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Dropout(0.25), new Linear(64, 3));

    private static ModelSpec Spec() => new()
    {
        Input = new InputSpec("image", [-1, 1, 8, 8]),
        Preprocessing = new PreprocessingSpec(1 / 255.0, [0.2860], [0.3530]),
        ClassNames = ["a", "b", "c"],
        Metrics = new Dictionary<string, double> { ["test_accuracy"] = 0.9125 },
        Metadata = new JsonObject { ["dataset"] = "toy", ["epochs"] = 2 },
    };

    [Fact]
    public void SaveThenLoadKeepsSpecAndWeights()
    {
        var model = SmallCnn();
        ModelFile.Save(_dir, model, Spec());
        Assert.Equal(["model.json", "weights.safetensors"], Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)!).Order().ToArray());
        var (loaded, spec) = ModelFile.Load(_dir);
        Assert.Equal(["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "Dropout", "Linear"], spec.Architecture.Select(l => l.Type).ToArray());
        Assert.Equal(1, spec.Architecture[0].Options["padding"]!.GetValue<int>());
        Assert.Equal("image", spec.Input.Name);
        Assert.Equal([-1, 1, 8, 8], spec.Input.Shape);
        Assert.Equal(1 / 255.0, spec.Preprocessing!.Scale);
        Assert.Equal([0.2860], spec.Preprocessing.Mean!);
        Assert.Equal(["a", "b", "c"], spec.ClassNames);
        Assert.Equal(0.9125, spec.Metrics["test_accuracy"]);
        Assert.Equal(2, spec.Metadata!["epochs"]!.GetValue<int>());
        Assert.Equal(model.StateDict().Keys, loaded.StateDict().Keys);
        var x = Tensor.Rand(new Shape(2, 1, 8, 8), new Generator(1));
        model.Eval();
        Assert.Equal(model.Forward(x).ToArray(), loaded.Forward(x).ToArray());
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void HandWrittenModelJsonBuildsTheReferenceCnn()
    {
        const string json = """
        {
          "format_version": 1,
          "architecture": [
            {"type": "Conv2d", "options": {"in_channels": 1, "out_channels": 32, "kernel_size": 3, "padding": 1}},
            {"type": "ReLU"},
            {"type": "MaxPool2d", "options": {"kernel_size": 2}},
            {"type": "Conv2d", "options": {"in_channels": 32, "out_channels": 64, "kernel_size": [3, 3], "padding": 1}},
            {"type": "ReLU", "options": {}},
            {"type": "MaxPool2d", "options": {"kernel_size": 2, "stride": 2}},
            {"type": "Flatten"},
            {"type": "Linear", "options": {"in_features": 3136, "out_features": 128}},
            {"type": "ReLU"},
            {"type": "Linear", "options": {"in_features": 128, "out_features": 10}}
          ],
          "input": {"name": "image", "shape": [-1, 1, 28, 28], "dtype": "float32"},
          "preprocessing": {"scale": 0.00392156862745098, "mean": [0.2860], "std": [0.3530]},
          "class_names": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        }
        """;
        var spec = ModelSpec.FromJson(json);
        var model = Assert.IsType<Sequential>(spec.BuildModel());
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"], model.StateDict().Keys.ToArray());
        var summary = model.Summary(spec.Input.Shape);
        Assert.Equal([1, 10], summary[^1].OutputShape.ToArray());
        Assert.Equal([1, 64, 7, 7], summary[5].OutputShape.ToArray());
        Assert.Equal(320, summary[0].ParameterCount);
        Assert.Equal(421_642, model.ParameterCount);
        Assert.Contains("Total parameters: 421,642", model.SummaryText(spec.Input.Shape));
    }

    [Fact]
    public void MissingFolderAndFilesAreClearErrors()
    {
        Assert.Contains("not found", Assert.Throws<DirectoryNotFoundException>(() => ModelFile.Load(_dir)).Message);
        Directory.CreateDirectory(_dir);
        var e = Assert.Throws<FileNotFoundException>(() => ModelFile.Load(_dir));
        Assert.Equal($"model.json not found in {_dir}; a model folder holds model.json and weights.safetensors.", e.Message);
        ModelFile.Save(_dir, SmallCnn(), Spec());
        File.Delete(Path.Combine(_dir, "weights.safetensors"));
        Assert.StartsWith("weights.safetensors not found in", Assert.Throws<FileNotFoundException>(() => ModelFile.Load(_dir)).Message);
    }

    [Fact]
    public void TruncatedWeightsAreAClearError()
    {
        ModelFile.Save(_dir, SmallCnn(), Spec());
        var path = Path.Combine(_dir, "weights.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        Assert.StartsWith("weights.safetensors is truncated: header says", Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir)).Message);
    }

    [Fact]
    public void WeightsThatDoNotMatchTheArchitectureAreClearErrors()
    {
        var model = SmallCnn();
        ModelFile.Save(_dir, model, Spec());
        var weights = Path.Combine(_dir, "weights.safetensors");
        var state = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);

        state["6.weight"] = Tensor.Zeros(3, 65);
        SafetensorsWriter.Write(weights, state, writeAsInt64: ModelFile.IsInt64Name);
        Assert.Equal("weights.safetensors: tensor '6.weight' has shape (3,65), but the architecture expects (3,64).",
            Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir)).Message);

        state.Remove("6.weight");
        SafetensorsWriter.Write(weights, state, writeAsInt64: ModelFile.IsInt64Name);
        Assert.Contains("missing tensor(s) 6.weight", Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir)).Message);

        state["6.weight"] = Tensor.Zeros(new Shape(3, 64), DType.Int32);
        SafetensorsWriter.Write(weights, state, writeAsInt64: ModelFile.IsInt64Name);
        Assert.Contains("tensor '6.weight' is stored as I32, but the architecture expects a float tensor",
            Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir)).Message);

        state["6.weight"] = Tensor.Zeros(3, 64);
        state["extra"] = Tensor.Zeros(1);
        SafetensorsWriter.Write(weights, state, writeAsInt64: ModelFile.IsInt64Name);
        Assert.Contains("tensor(s) extra that the architecture does not have", Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir)).Message);
    }

    [Theory]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    [InlineData(DType.Float64)]
    public void HalfAndDoubleWeights_LoadIntoTheFloat32Model(DType stored)
    {
        var model = SmallCnn();
        ModelFile.Save(_dir, model, Spec());
        var state = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.DType.IsFloat() ? kv.Value.To(stored) : kv.Value);
        SafetensorsWriter.Write(Path.Combine(_dir, "weights.safetensors"), state, writeAsInt64: ModelFile.IsInt64Name);
        var (loaded, _) = ModelFile.Load(_dir);
        foreach (var (name, t) in loaded.StateDict())
        {
            Assert.Equal(model.StateDict()[name].DType, t.DType); // Float32 weights, Int32 counter: as before
            Assert.Equal(state[name].To(t.DType).ToArray(), t.ToArray());
        }
    }

    [Fact]
    public void Int64CounterBeyondInt32_IsRefusedNotSaturated()
    {
        var model = SmallCnn();
        ModelFile.Save(_dir, model, Spec());
        var state = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["1.num_batches_tracked"] = Tensor.FromArray(new[] { 1L << 40 }).Reshape();
        SafetensorsWriter.Write(Path.Combine(_dir, "weights.safetensors"), state);
        Assert.Equal("weights.safetensors: tensor '1.num_batches_tracked' (I64) holds 1099511627776, outside the Int32 range the architecture uses.",
            Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir)).Message);

        state["1.num_batches_tracked"] = Tensor.FromArray(new sbyte[] { 9 }).Reshape();
        SafetensorsWriter.Write(Path.Combine(_dir, "weights.safetensors"), state);
        Assert.Equal(9, ((BatchNorm2d)((Sequential)ModelFile.Load(_dir).Model)[1]).NumBatchesTracked);

        state["1.num_batches_tracked"] = Tensor.Scalar(9, DType.Float16);
        SafetensorsWriter.Write(Path.Combine(_dir, "weights.safetensors"), state);
        Assert.Contains("is stored as F16, but the architecture expects an integer tensor", Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir)).Message);
    }

    [Theory]
    [InlineData("{", "model.json is not valid JSON")]
    [InlineData("""{"architecture": [], "input": {"shape": [-1, 4]}, "format_version": 9}""", "format_version 9 is not supported")]
    [InlineData("""{"input": {"shape": [-1, 4]}}""", "\"architecture\" is missing")]
    [InlineData("""{"architecture": [{"type": "Linear", "options": {"in_features": 4, "out_features": 2}}]}""", "\"input\" is missing")]
    [InlineData("""{"architecture": [{"type": "Dense"}], "input": {"shape": [-1, 4]}}""", "architecture[0] (Dense): unknown layer type \"Dense\"")]
    [InlineData("""{"architecture": [{"type": "Linear", "options": {"in_features": 4}}], "input": {"shape": [-1, 4]}}""", "option \"out_features\" is required")]
    [InlineData("""{"architecture": [{"type": "Linear", "options": {"in_features": 4, "out_features": 2, "bais": true}}], "input": {"shape": [-1, 4]}}""", "unknown option(s) \"bais\"")]
    [InlineData("""{"architecture": [{"type": "Conv2d", "options": {"in_channels": 1, "out_channels": 2, "kernel_size": [3, 5]}}], "input": {"shape": [-1, 4]}}""", "pair of equal integers")]
    [InlineData("""{"architecture": [{"type": "Linear", "options": {"in_features": 4.5, "out_features": 2}}], "input": {"shape": [-1, 4]}}""", "\"in_features\" must be an integer")]
    [InlineData("""{"architecture": [], "input": {"shape": [-1, 4]}, "preprocessing": {"mean": [0.1, 0.2], "std": [0.3]}}""", "preprocessing.mean has 2 values")]
    [InlineData("""{"architecture": [], "input": {"shape": [-1, 4]}, "task": {"kind": "ranking"}}""", "task.kind \"ranking\" is not a task")]
    [InlineData("""{"architecture": [], "input": {"shape": [-1, 4], "kind": "audio"}}""", "input.kind \"audio\" is not an input kind")]
    [InlineData("""{"architecture": [], "input": {"shape": [-1, 4], "kind": "image"}}""", "input is an image input, so its shape must be [-1, C, H, W]")]
    [InlineData("""{"architecture": [], "input": {"shape": [-1, 3, 8, 8], "kind": "image", "image": {"resize": "squash"}}}""", "input.image.resize \"squash\" is not a policy")]
    [InlineData("""{"architecture": [], "input": {"shape": [-1, 4]}, "task": {"kind": "binary", "threshold": 1.5}}""", "task.threshold must lie strictly between 0 and 1")]
    public void BadModelJsonIsAClearError(string json, string message)
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "model.json"), json);
        File.WriteAllBytes(Path.Combine(_dir, "weights.safetensors"), SafetensorsWriter.ToBytes([]));
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(_dir));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData(TaskKind.Multiclass)]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.MultiLabel)]
    [InlineData(TaskKind.Regression)]
    public void TaskRoundTripsThroughModelJson(TaskKind kind)
    {
        var task = new TaskSpec(kind, 0.3, kind == TaskKind.Regression ? ["price", "rent"] : null);
        var spec = ModelSpec.FromJson((Spec() with { Task = task }).ToJson());
        Assert.Equal(kind, spec.Task.Kind);
        Assert.Equal(kind is TaskKind.Binary or TaskKind.MultiLabel ? 0.3 : 0.5, spec.Task.Threshold);
        Assert.Equal(task.TargetNames, spec.Task.TargetNames);
    }

    [Fact]
    public void ModelJsonWithoutTaskIsAMulticlassClassifier()
    {
        var json = Spec().ToJson().Replace("\"task\"", "\"unused\"", StringComparison.Ordinal);
        Assert.Equal(TaskSpec.Multiclass, ModelSpec.FromJson(json).Task);
    }

    [Fact]
    public void ImageInputsKeepTheirResizePolicy()
    {
        var spec = ModelSpec.FromJson((Spec() with { Input = InputSpec.ForImage("photo", 3, 32, 32, "crop") }).ToJson());
        Assert.Equal(InputKind.Image, spec.Input.Kind);
        Assert.Equal([-1, 3, 32, 32], spec.Input.Shape);
        Assert.Equal("crop", spec.Input.Image!.Resize);
        var legacy = ModelSpec.FromJson("""{"architecture": [], "input": {"shape": [-1, 1, 28, 28]}}""");
        Assert.Equal(InputKind.Tensor, legacy.Input.Kind);
        Assert.Null(legacy.Input.Image);
    }
}
