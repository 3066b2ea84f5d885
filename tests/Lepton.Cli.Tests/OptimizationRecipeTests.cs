using Lepton.NN.Serialization;
using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>
/// A recipe with tune, compress and export sections (examples/optimized-images, shortened): the search's best trial is gated,
/// quantized and registered when the compression rule holds, the float model when it does not, and the registered model is
/// exported as ONNX; changing only the compression rule reruns compress and the steps after it.
/// </summary>
[Collection("cli")]
public sealed class OptimizationRecipeTests(TrainedModelFixture fx)
{
    private static string Example([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "examples", "optimized-images"));

    [Fact]
    public async Task TuneCompressExport_RegistersInt8WhenTheRuleHoldsAndFloatWhenItDoesNot()
    {
        var dir = Path.Combine(fx.Root, "optimized-recipe");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(Example(), "space.yaml"), Path.Combine(dir, "space.yaml"));
        string example = File.ReadAllText(Path.Combine(Example(), "lepton.yaml"));
        PlantedImageFolder.Create(Path.Combine(dir, "data"), perClass: 40, plant: false);
        string Recipe(string minSpeedup) => example
            .Replace("name: optimized-images", "name: optimized-toy")
            .Replace("size: 32x32", "size: 24x24")
            .Replace("epochs: 6 ", "epochs: 2 ")
            .Replace("trials: 12", "trials: 3")
            .Replace("min_epochs: 2 ", "min_epochs: 1 ")
            .Replace("samples: 512", "samples: 64")
            .Replace("max_accuracy_drop: 0.5", "max_accuracy_drop: 10")
            .Replace("min_speedup: 2.0", $"min_speedup: {minSpeedup}")
            .Replace("min_accuracy: 0.8", "min_accuracy: 0.5");
        string recipe = Path.Combine(dir, "lepton.yaml");

        File.WriteAllText(recipe, Recipe("0"));
        var (code, output, err) = await CliRun.Invoke("run", recipe);
        Assert.True(code == 0, err + output);
        Assert.Contains("best of 3 trials", output);
        Assert.Contains("int8 kept", output);
        Assert.Contains("registered optimized-toy@1", output);
        string work = Path.Combine(fx.Home, "recipes", "optimized-toy");
        Assert.Contains("quantization", ModelFile.Load(Path.Combine(work, "model-int8")).Spec.Metadata!.ToJsonString());
        Assert.True(new FileInfo(Path.Combine(work, "export", "optimized-toy-v1.onnx")).Length > 1000);

        // A rule the int8 model cannot meet: the float model is registered instead, and only compress onwards run again.
        File.WriteAllText(recipe, Recipe("1000"));
        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        var steps = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("steps").EnumerateArray()
            .ToDictionary(s => s.GetProperty("step").GetString()!, s => s);
        Assert.Equal(["data", "tune", "gate", "compress", "register", "promote", "export"], steps.Keys);
        Assert.All(["data", "tune", "gate"], s => Assert.Equal("skipped", steps[s].GetProperty("outcome").GetString()));
        var compress = steps["compress"].GetProperty("outputs");
        Assert.Equal("float", compress.GetProperty("kept").GetString());
        Assert.Contains("required 1000x", compress.GetProperty("reason").GetString());
        Assert.Equal(2, steps["register"].GetProperty("outputs").GetProperty("version").GetInt32());
        Assert.Equal(steps["tune"].GetProperty("outputs").GetProperty("model_dir").GetString(), compress.GetProperty("model_dir").GetString());
        Assert.True(File.Exists(Path.Combine(work, "export", "optimized-toy-v2.onnx")));
        Assert.False(steps["export"].GetProperty("outputs").GetProperty("float_of_int8").GetBoolean());
    }
}
