using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>
/// A recipe with <c>calibrate:</c> and <c>intervals:</c> sections: the trained network is calibrated, then given prediction sets on the
/// calibrated probabilities, and that folder is what is registered; a second run skips everything; a changed level reruns the
/// intervals step and register only.
/// </summary>
[Collection("cli")]
public sealed class IntervalsRecipeTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task AnIntervalsSection_RegistersTheNetworkWithSetsOfItsCalibratedProbabilities_AndReRunsOnlyWhatItChanges()
    {
        string dir = Path.Combine(fx.Root, "intervals-recipe");
        PlantedImageFolder.Create(Path.Combine(dir, "data"), perClass: 30, plant: false);
        string recipe = Path.Combine(dir, "lepton.yaml");
        string Recipe(double level) => $"""
            name: sets-toy
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
              split: validation
            intervals:
              level: {level.ToString(System.Globalization.CultureInfo.InvariantCulture)}
            """;
        File.WriteAllText(recipe, Recipe(0.9));
        var (code, output, err) = await CliRun.Invoke("run", recipe);
        Assert.True(code == 0, err + output);
        Assert.Contains("prediction sets: 90% prediction sets", output);
        string folder;
        await using (var registry = await Registry.ModelRegistry.OpenAsync(null))
            folder = (await registry.ResolveAsync("sets-toy@1")).Folder;
        Assert.Equal("temperature", Runtime.Calibration.ProbabilityCalibration.Load(folder)!.Method);
        var sets = Runtime.Conformal.ConformalIntervals.Load(folder)!;
        Assert.Equal((0.9, "probability"), (sets.Level, sets.Score));
        Assert.StartsWith("the validation split of ", sets.Source);

        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        var steps = RecipeStepOutcomes.Of(output);
        Assert.Equal(["data", "train", "gate", "calibrate", "intervals", "register", "promote"], steps.Keys);
        Assert.All(steps.Values, o => Assert.Equal("skipped", o));

        File.WriteAllText(recipe, Recipe(0.8));
        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        steps = RecipeStepOutcomes.Of(output);
        Assert.All(["data", "train", "gate", "calibrate"], s => Assert.Equal("skipped", steps[s]));
        Assert.All(["intervals", "register"], s => Assert.NotEqual("skipped", steps[s]));
        await using (var registry = await Registry.ModelRegistry.OpenAsync(null))
            Assert.Equal(0.8, Runtime.Conformal.ConformalIntervals.Load((await registry.ResolveAsync("sets-toy@2")).Folder)!.Level);
    }
}
