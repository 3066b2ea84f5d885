using System.Text.Json;
using Lepton.Data.Images.Import;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton compress quantize</c>: a CNN trained on an imported image version becomes a registered int8 version; bad input is refused plainly.</summary>
[Collection("cli")]
public sealed class CompressQuantizeCommandTests(TrainedModelFixture fx)
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    [Fact]
    public async Task Quantize_AModelTrainedOnFashionMnist_CalibratesAndScoresOnFashionMnist()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        var (code, stdout, err) = await CliRun.Invoke("compress", "quantize", "synthetic@1", "--calibration", "fashion-mnist", "--data-dir", fx.DataDir,
            "--samples", "64", "--layers", "all", "--out", Path.Combine(fx.Root, "synthetic-int8"), "--json");
        Assert.True(code == 0, err + stdout);
        var json = Json(stdout);
        Assert.StartsWith("fashion-mnist@", json.GetProperty("calibration").GetString());
        Assert.Equal(64, json.GetProperty("calibration_examples").GetInt32());
        Assert.Equal("test split", json.GetProperty("evaluated_on").GetString());
        double floatAccuracy = json.GetProperty("float_accuracy").GetDouble(), int8Accuracy = json.GetProperty("int8_accuracy").GetDouble();
        // The same test set the model was trained against: the float score is the training run's, and int8 stays near it.
        Assert.True(floatAccuracy > 0.5, $"float accuracy {floatAccuracy}");
        Assert.True(Math.Abs(floatAccuracy - int8Accuracy) <= 0.05, $"float {floatAccuracy}, int8 {int8Accuracy}");
    }

    [Fact]
    public async Task Quantize_TrainedCnn_RegistersInt8VersionAndReportsBothAccuracies()
    {
        var folder = PlantedImageFolder.Create(Path.Combine(fx.Root, "quantize-shapes"), perClass: 30, plant: false);
        await using (var registry = await ModelRegistry.OpenAsync())
            await ImageDatasets.ImportAsync(registry.Store, registry.Artifacts, folder.Root, "qshapes", new ImageImportOptions(16, 16, 3), null, "test");
        var (code, stdout, err) = await CliRun.Invoke("train", "--data", "qshapes@1", "--model", "cnn", "--epochs", "15", "--batch-size", "16",
            "--lr", "0.003", "--seed", "1", "--out", Path.Combine(fx.Root, "qshapes-float"), "--register", "qshapes");
        Assert.True(code == 0, err + stdout);

        string outDir = Path.Combine(fx.Root, "qshapes-int8");
        (code, stdout, err) = await CliRun.Invoke("compress", "quantize", "qshapes@1", "--calibration", "qshapes@1", "--samples", "60",
            "--method", "minmax", "--layers", "all", "--out", outDir, "--register", "qshapes-int8", "--json");
        Assert.True(code == 0, err + stdout);
        var json = Json(stdout);
        Assert.Equal("qshapes@1", json.GetProperty("source").GetString());
        Assert.Equal("qshapes-int8@1", json.GetProperty("registered").GetString());
        Assert.Equal(60, json.GetProperty("calibration_examples").GetInt32());
        Assert.Equal("minmax", json.GetProperty("method").GetString());
        Assert.Equal(4, json.GetProperty("layers").GetArrayLength());
        Assert.Equal("all", json.GetProperty("layer_selection").GetString());
        Assert.All(json.GetProperty("layers").EnumerateArray(), l => Assert.Equal("int8", l.GetProperty("precision").GetString()));
        double floatAccuracy = json.GetProperty("float_accuracy").GetDouble(), int8Accuracy = json.GetProperty("int8_accuracy").GetDouble();
        Assert.True(floatAccuracy >= 0.7, $"float accuracy {floatAccuracy}");
        Assert.True(Math.Abs(floatAccuracy - int8Accuracy) <= 0.1, $"float {floatAccuracy}, int8 {int8Accuracy}");
        Assert.True(File.Exists(Path.Combine(outDir, "weights.safetensors")));
        // Both served folders timed at batch 1, and the int8 weights a fraction of the float ones (codes + per-channel scales).
        Assert.True(json.GetProperty("float_ms").GetDouble() > 0 && json.GetProperty("int8_ms").GetDouble() > 0);
        double speedup = json.GetProperty("speedup").GetDouble();
        Assert.Equal(json.GetProperty("float_ms").GetDouble() / json.GetProperty("int8_ms").GetDouble(), speedup, 6);
        long floatBytes = json.GetProperty("float_weight_bytes").GetInt64(), int8Bytes = json.GetProperty("int8_weight_bytes").GetInt64();
        Assert.Equal(new FileInfo(Path.Combine(outDir, "weights.safetensors")).Length, int8Bytes);
        Assert.True(int8Bytes < floatBytes / 2, $"int8 weights {int8Bytes} bytes against float {floatBytes}");

        // The table form (layers chosen by timing, the default) names both accuracies, each layer's precision and its timing.
        (code, stdout, err) = await CliRun.Invoke("compress", "quantize", "qshapes@1", "--calibration", "qshapes@1", "--samples", "30",
            "--out", Path.Combine(fx.Root, "qshapes-int8-table"));
        Assert.True(code == 0, err + stdout);
        Assert.Contains("Top-1: float", stdout);
        Assert.Contains("weights file", stdout);
        Assert.Contains("x as fast", stdout);
        Assert.Contains("layers in int8", stdout);
        Assert.Contains("with the layer float32 / int8", stdout);
        using var spec = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(fx.Root, "qshapes-int8-table", "model.json")));
        var quantization = spec.RootElement.GetProperty("metadata").GetProperty("quantization");
        Assert.Equal("faster", quantization.GetProperty("layer_selection").GetString());
        Assert.Equal(4, quantization.GetProperty("int8_layers").GetArrayLength() + quantization.GetProperty("float_layers").GetArrayLength());
    }

    [Theory]
    [InlineData("--calibration", "nothing@1", "nothing")]
    [InlineData("--method", "fancy", "minmax, percentile, entropy")]
    [InlineData("--samples", "0", "Calibration samples")]
    public async Task Quantize_BadOption_FailsNamingTheProblemWithoutAStackTrace(string option, string value, string named)
    {
        string[] args = option == "--calibration"
            ? ["compress", "quantize", fx.ModelDir, option, value]
            : ["compress", "quantize", fx.ModelDir, "--calibration", "qshapes@1", option, value];
        var (code, stdout, err) = await CliRun.Invoke(args);
        Assert.NotEqual(0, code);
        Assert.Contains(named, err + stdout);
        Assert.DoesNotContain("   at ", err + stdout);
    }
}
