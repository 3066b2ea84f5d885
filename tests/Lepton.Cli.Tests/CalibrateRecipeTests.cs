using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>
/// Recipes that finish a network after its gate: a <c>calibrate:</c> section calibrates it on the data's validation split, an
/// <c>intervals:</c> section then fits prediction sets on the calibrated probabilities, and the last folder is what is registered;
/// a second run skips everything; a changed method or level reruns its step and register only.
/// </summary>
[Collection("cli")]
public sealed class CalibrateRecipeTests(TrainedModelFixture fx)
{
    // A folder with a small image set in data/ and the path its lepton.yaml goes to.
    private (string Dir, string Recipe) Create(string folder)
    {
        string dir = Path.Combine(fx.Root, folder);
        PlantedImageFolder.Create(Path.Combine(dir, "data"), perClass: 30, plant: false);
        return (dir, Path.Combine(dir, "lepton.yaml"));
    }

    // A toy image recipe named NAME ending with the given sections.
    private static string Recipe(string name, string sections) => $"""
        name: {name}
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

        """ + sections;

    private static async Task<string> FolderOf(string reference)
    {
        await using var registry = await Registry.ModelRegistry.OpenAsync(null);
        return (await registry.ResolveAsync(reference)).Folder;
    }

    [Fact]
    public async Task ACalibrateSection_RegistersTheCalibratedNetwork_AndReRunsOnlyWhatItChanges()
    {
        var (_, recipe) = Create("calibrate-recipe");
        File.WriteAllText(recipe, Recipe("calibrated-toy", "calibrate:\n  split: validation\n"));
        var (code, output, err) = await CliRun.Invoke("run", recipe);
        Assert.True(code == 0, err + output);
        Assert.Contains("calibrated temperature, fitted on", output);
        var calibration = Runtime.Calibration.ProbabilityCalibration.Load(await FolderOf("calibrated-toy@1"))!;
        Assert.Equal("temperature", calibration.Method);
        Assert.StartsWith("the validation split of ", calibration.Source);

        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        var steps = RecipeStepOutcomes.Of(output);
        Assert.Equal(["data", "train", "gate", "calibrate", "register", "promote"], steps.Keys);
        Assert.All(steps.Values, o => Assert.Equal("skipped", o));

        File.WriteAllText(recipe, Recipe("calibrated-toy", "calibrate:\n  method: isotonic\n"));
        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        steps = RecipeStepOutcomes.Of(output);
        Assert.All(["data", "train", "gate"], s => Assert.Equal("skipped", steps[s]));
        Assert.All(["calibrate", "register"], s => Assert.NotEqual("skipped", steps[s]));
        Assert.Equal("isotonic", Runtime.Calibration.ProbabilityCalibration.Load(await FolderOf("calibrated-toy@2"))!.Method);
    }

    [Fact]
    public async Task AnIntervalsSection_RegistersTheNetworkWithSetsOfItsCalibratedProbabilities_AndReRunsOnlyWhatItChanges()
    {
        var (_, recipe) = Create("intervals-recipe");
        string Sections(string level) => $"calibrate:\n  split: validation\nintervals:\n  level: {level}\n";
        File.WriteAllText(recipe, Recipe("sets-toy", Sections("0.9")));
        var (code, output, err) = await CliRun.Invoke("run", recipe);
        Assert.True(code == 0, err + output);
        Assert.Contains("prediction sets: 90% prediction sets", output);
        string folder = await FolderOf("sets-toy@1");
        Assert.Equal("temperature", Runtime.Calibration.ProbabilityCalibration.Load(folder)!.Method);
        var sets = Runtime.Conformal.ConformalIntervals.Load(folder)!;
        Assert.Equal((0.9, "probability"), (sets.Level, sets.Score));
        Assert.StartsWith("the validation split of ", sets.Source);

        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        var steps = RecipeStepOutcomes.Of(output);
        Assert.Equal(["data", "train", "gate", "calibrate", "intervals", "register", "promote"], steps.Keys);
        Assert.All(steps.Values, o => Assert.Equal("skipped", o));

        File.WriteAllText(recipe, Recipe("sets-toy", Sections("0.8")));
        (code, output, err) = await CliRun.Invoke("run", recipe, "--json");
        Assert.True(code == 0, err + output);
        steps = RecipeStepOutcomes.Of(output);
        Assert.All(["data", "train", "gate", "calibrate"], s => Assert.Equal("skipped", steps[s]));
        Assert.All(["intervals", "register"], s => Assert.NotEqual("skipped", steps[s]));
        Assert.Equal(0.8, Runtime.Conformal.ConformalIntervals.Load(await FolderOf("sets-toy@2"))!.Level);
    }
}
