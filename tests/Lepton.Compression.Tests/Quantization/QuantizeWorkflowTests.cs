using Lepton.Compression.Quantization;
using Lepton.Data;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Layers.Quantized;
using Lepton.NN.Serialization;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Runtime;

namespace Lepton.Compression.Tests.Quantization;

/// <summary>
/// <c>lepton compress quantize</c>'s workflow on a CNN trained on a tiny image data set version: an ordinary registered model
/// version that PredictorLoader serves, int8 codes in safetensors that reload to the bit, and clear refusals.
/// </summary>
public sealed class QuantizeWorkflowTests(TrainedShapesFixture fx) : IClassFixture<TrainedShapesFixture>, IDisposable
{
    private readonly string _out = Path.Combine(fx.Root, "int8-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    private static QuantizeOptions Options(CalibrationMethod method = CalibrationMethod.Percentile, LayerPrecision layers = LayerPrecision.All) =>
        new(method, Samples: 60, Seed: 2, BatchSize: 32, Layers: layers);

    [Fact]
    public async Task RunAsync_TrainedCnn_RegistersAnInt8VersionWithTheFloatLineage()
    {
        var outcome = await QuantizeWorkflow.RunAsync(fx.Registry, new QuantizeRequest("shapes@1", "shapes@1", _out, Options(), "shapes-int8"), "test");

        Assert.Equal(["Conv2d", "Conv2d", "Linear", "Linear"], outcome.Quantized.Layers.Select(l => l.Type));
        Assert.Equal(60, outcome.CalibrationExamples);
        Assert.Equal("test split", outcome.EvaluatedOn);
        Assert.Equal(30, outcome.Report.Examples); // 10 test images per class
        Assert.True(outcome.Report.FloatAccuracy >= 0.7, $"the float model should have learned the shapes: {outcome.Report.FloatAccuracy}");
        Assert.True(outcome.Report.Agreement >= 0.9, $"int8 and float agree on {outcome.Report.Agreement} of the images");
        Assert.InRange(outcome.Report.DropPoints, -10, 10);

        var registered = outcome.Registered!;
        Assert.Equal("shapes-int8", registered.Model);
        Assert.Equal(fx.Float.RunId, registered.RunId);
        Assert.Equal(fx.Float.DatasetRef, registered.DatasetRef);

        // The registered artifact is an ordinary model folder: quantized layers by name in model.json, served by PredictorLoader.
        var resolved = await fx.Registry.ResolveAsync("shapes-int8@1");
        var loaded = ModelFile.Load(resolved.Folder);
        var layers = Assert.IsType<Sequential>(loaded.Model).Layers;
        Assert.Equal(2, layers.OfType<QuantizedConv2d>().Count());
        Assert.Equal(2, layers.OfType<QuantizedLinear>().Count());
        Assert.Equal(outcome.Report.Int8Accuracy, loaded.Spec.Metrics["accuracy"]);
        Assert.Equal("shapes@1", loaded.Spec.Metadata?["quantization"]?["calibration"]?.GetValue<string>());
        Assert.Equal("all", loaded.Spec.Metadata?["quantization"]?["layer_selection"]?.GetValue<string>());
        Assert.Equal(4, loaded.Spec.Metadata?["quantization"]?["int8_layers"]?.AsArray().Count);
        Assert.All(outcome.Quantized.Layers, l => Assert.True(l.IsInt8 && l.Timing is null));
        using var predictor = PredictorLoader.Default.Load(resolved.Folder);
        Assert.Equal(outcome.Report.Int8Accuracy, await AccuracyOnTestSplit(predictor), 12);
    }

    [Fact]
    public async Task RunAsync_GraphModel_RegistersAnInt8GraphThatServes()
    {
        var outcome = await QuantizeWorkflow.RunAsync(fx.Registry, new QuantizeRequest("shapes-resnet@1", "shapes@1", _out, Options(), "shapes-resnet-int8"), "test");

        Assert.Equal(["stem", "layer1.conv1", "layer1.conv2", "layer2.conv1", "layer2.conv2", "layer2.proj", "layer3.conv1", "layer3.conv2", "layer3.proj", "fc"],
            outcome.Quantized.Layers.Select(l => l.Path));
        Assert.True(outcome.Report.FloatAccuracy >= 0.7, $"the float resnet should have learned the shapes: {outcome.Report.FloatAccuracy}");
        Assert.True(outcome.Report.Agreement >= 0.85, $"int8 and float agree on {outcome.Report.Agreement} of the images");
        Assert.Equal(fx.FloatResNet.RunId, outcome.Registered!.RunId);

        var resolved = await fx.Registry.ResolveAsync("shapes-resnet-int8@1");
        var loaded = ModelFile.Load(resolved.Folder);
        Assert.Equal(2, loaded.Spec.FormatVersion);
        Assert.Equal(["QuantizedConv2d", "QuantizedConv2d"], loaded.Spec.Graph!.Blocks["Basic"].Nodes.Where(n => n.Type.StartsWith("Quantized", StringComparison.Ordinal)).Select(n => n.Type));
        Assert.Equal("layer2.proj", loaded.Spec.Metadata?["quantization"]?["int8_layers"]?.AsArray()[5]?.GetValue<string>());
        using var predictor = PredictorLoader.Default.Load(resolved.Folder);
        Assert.Equal(outcome.Report.Int8Accuracy, await AccuracyOnTestSplit(predictor), 12);
    }

    [Fact]
    public async Task RunAsync_SavedWeights_HoldInt8CodesThatReloadBitExactly()
    {
        var outcome = await QuantizeWorkflow.RunAsync(fx.Registry, new QuantizeRequest("shapes@1", "shapes@1", _out, Options(CalibrationMethod.Entropy)), "test");
        Assert.Null(outcome.Registered);

        var tensors = SafetensorsReader.Read(Path.Combine(_out, ModelFile.WeightsFileName)).ToDictionary();
        Assert.Equal(DType.Int8, tensors["0.weight"].DType);
        Assert.Equal(DType.Int8, tensors["3.weight"].DType);
        Assert.Equal(DType.Float32, tensors["0.weight_scale"].DType);
        Assert.Equal(DType.Int32, tensors["0.input_zero_point"].DType);

        var inMemory = outcome.Quantized.Model.StateDict();
        var reloaded = ModelFile.Load(_out).Model;
        var state = reloaded.StateDict();
        Assert.Equal(inMemory.Keys.Order(), state.Keys.Order());
        foreach (var (name, value) in inMemory)
        {
            Assert.Equal(value.DType, state[name].DType);
            Assert.Equal(value.Shape.ToArray(), state[name].Shape.ToArray());
            Assert.Equal(value.ToDoubleArray(), state[name].ToDoubleArray());
        }
        var codes = tensors["0.weight"].ToArray<sbyte>();
        Assert.Contains(codes, c => c is 127 or -127); // per-channel scale: each channel's largest weight is a full code
        Assert.All(codes, c => Assert.InRange(c, -127, 127));

        var x = Tensor.Randn(new Shape(4, 3, 16, 16), new Generator(3));
        using var _ = new Engine.Autograd.NoGrad();
        Assert.Equal(outcome.Quantized.Model.Forward(x).ToArray(), reloaded.Forward(x).ToArray());
    }

    [Fact]
    public async Task RunAsync_FasterLayers_TimesEachLayerAndSavesWhatItChose()
    {
        var outcome = await QuantizeWorkflow.RunAsync(fx.Registry,
            new QuantizeRequest("shapes@1", "shapes@1", _out, Options(layers: LayerPrecision.Faster)), "test");

        Assert.Equal(4, outcome.Quantized.Layers.Count);
        Assert.All(outcome.Quantized.Layers, l =>
        {
            var t = Assert.IsType<LayerTiming>(l.Timing);
            Assert.Equal(32, t.BatchSize);
            Assert.True(t.FloatMs > 0 && t.Int8Ms > 0 && t.FloatMsAtOne > 0 && t.Int8MsAtOne > 0, t.ToString());
            Assert.Equal(t.Int8IsNoSlower, l.IsInt8);
        });
        // The saved model runs each layer in the precision chosen, and its metadata lists both sets.
        var loaded = ModelFile.Load(_out);
        var layers = Assert.IsType<Sequential>(loaded.Model).Layers;
        foreach (var l in outcome.Quantized.Layers)
            Assert.Equal(l.IsInt8, layers[l.Index] is QuantizedConv2d or QuantizedLinear);
        var quantization = loaded.Spec.Metadata!["quantization"]!;
        Assert.Equal("faster", quantization["layer_selection"]!.GetValue<string>());
        Assert.Equal(outcome.Quantized.Int8Layers.Select(l => l.Index),
            quantization["int8_layers"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(outcome.Quantized.Layers.Where(l => !l.IsInt8).Select(l => l.Index),
            quantization["float_layers"]!.AsArray().Select(n => n!.GetValue<int>()));
    }

    [Fact]
    public async Task RunAsync_ModelWithoutLinearOrConv_ThrowsNamingItsLayers()
    {
        var source = (await fx.Registry.ResolveAsync("shapes@1")).Folder;
        string folder = Path.Combine(fx.Root, "pool-only-" + Guid.NewGuid().ToString("N"));
        ModelFile.Save(folder, new Sequential(new MaxPool2d(2), new Flatten()), ModelFile.Load(source).Spec);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            QuantizeWorkflow.RunAsync(fx.Registry, new QuantizeRequest(folder, "shapes@1", _out, Options()), "test"));
        Assert.Contains("no Linear or Conv2d", ex.Message);
        Assert.Contains("MaxPool2d, Flatten", ex.Message);
        Assert.False(Directory.Exists(_out), "nothing is written for a refused model");
    }

    [Theory]
    [InlineData("nothing@1", "nothing")]
    [InlineData("shapes@9", "version 9")]
    public async Task RunAsync_UnknownCalibrationData_ThrowsNamingIt(string calibration, string named)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() =>
            QuantizeWorkflow.RunAsync(fx.Registry, new QuantizeRequest("shapes@1", calibration, _out, Options()), "test"));
        Assert.Contains(named, ex.Message);
        Assert.Contains("lepton data", ex.Message);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public async Task RunAsync_MalformedCalibrationReference_ThrowsBeforeLoadingAnything()
    {
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            QuantizeWorkflow.RunAsync(fx.Registry, new QuantizeRequest("shapes@1", "shapes@two", _out, Options()), "test"));
        Assert.Contains("shapes@two", ex.Message);
    }

    // Top-1 of a predictor on shapes@1's test split, fed raw pixels as the workflow and the server feed them.
    private async Task<double> AccuracyOnTestSplit(IPredictor predictor)
    {
        using var version = await ImageDatasets.LoadAsync(fx.Registry.Store, fx.Registry.Artifacts, DatasetReference.Parse("shapes@1"));
        var classes = version.Manifest.Classes;
        var items = version.Manifest.Items.Where(i => i.Split == ImageSplits.Test).ToList();
        var data = new ImageDataset(items, version.Pixels, classes, Preprocessing.Identity);
        var batch = data.GetBatch(Enumerable.Range(0, items.Count).ToArray());
        var logits = predictor.FirstOutput([batch.Inputs.Contiguous()]).ToArray();
        var names = predictor.Signature.ClassNames;
        int k = names.Count, right = 0;
        for (int i = 0; i < items.Count; i++)
        {
            int best = 0;
            for (int j = 1; j < k; j++) if (logits[i * k + j] > logits[i * k + best]) best = j;
            if (names[best] == items[i].Label) right++;
        }
        return (double)right / items.Count;
    }
}
