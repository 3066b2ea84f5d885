using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>
/// A recipe with a <c>calibrate:</c> section: the trained network is calibrated on the data's validation split after the gate and
/// the calibrated folder is what is registered; a second run skips everything; a changed method reruns calibrate and register only.
/// </summary>
[Collection("cli")]
public sealed class CalibrateRecipeTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task ACalibrateSection_RegistersTheCalibratedNetwork_AndReRunsOnlyWhatItChanges()
    {
        string dir = Path.Combine(fx.Root, "calibrate-recipe");
        PlantedImageFolder.Create(Path.Combine(dir, "data"), perClass: 30, plant: false);
        string recipe = Path.Combine(dir, "lepton.yaml");
        string Recipe(string method) => $"""
            name: calibrated-toy
            data:
              source: images
              dir: data
              size: 16x16
            model:
              preset: mlp
            training:
              epochs: 2
              batch_size: 16
              seed: 1
            gates:
              min_accuracy: 0.3
            calibrate:
              {method}
            """;
        File.WriteAllText(recipe, Recipe("split: validation"));
        var (code, output, err) = await CliRun.Invoke("run", recipe);
        Assert.True(code == 0, err + output);
        Assert.Contains("calibrated temperature, fitted on", output);
        string folder;
        await using (var registry = await Registry.ModelRegistry.OpenAsync(null))
            folder = (await registry.ResolveAsync("calibrated-toy@1")).Folder;
        var calibration = Runtime.Calibration.ProbabilityCalibration.Load(folder)!;
        Assert.Equal("temperature", calibration.Method);
        Assert.StartsWith("the validation split of ", calibration.Source);

        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        var steps = RecipeStepOutcomes.Of(output);
        Assert.Equal(["data", "train", "gate", "calibrate", "register", "promote"], steps.Keys);
        Assert.All(steps.Values, o => Assert.Equal("skipped", o));

        File.WriteAllText(recipe, Recipe("method: isotonic"));
        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        steps = RecipeStepOutcomes.Of(output);
        Assert.All(["data", "train", "gate"], s => Assert.Equal("skipped", steps[s]));
        Assert.All(["calibrate", "register"], s => Assert.NotEqual("skipped", steps[s]));
        await using (var registry = await Registry.ModelRegistry.OpenAsync(null))
            Assert.Equal("isotonic", Runtime.Calibration.ProbabilityCalibration.Load((await registry.ResolveAsync("calibrated-toy@2")).Folder)!.Method);
    }
}
