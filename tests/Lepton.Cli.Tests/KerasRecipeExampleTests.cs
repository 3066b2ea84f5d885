using Lepton.NN.Serialization;
using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>
/// examples/keras-images/lepton.yaml, the Keras image example as a recipe, runs unchanged on a Keras-layout folder the test
/// makes: it imports the folder at 150x150, trains the auto-chosen preset with shear, zoom and flip, gates, registers and promotes.
/// </summary>
[Collection("cli")]
public sealed class KerasRecipeExampleTests(TrainedModelFixture fx)
{
    private static string Example([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "examples", "keras-images", "lepton.yaml"));

    [Fact]
    public async Task TheKerasRecipe_OnAKerasLayoutFolder_TrainsAndPromotesAModelThatReplaysItsPreprocessing()
    {
        var dir = Path.Combine(fx.Root, "keras-recipe");
        Directory.CreateDirectory(dir);
        var recipe = Path.Combine(dir, "lepton.yaml");
        File.Copy(Example(), recipe);
        PlantedImageFolder.Create(Path.Combine(dir, "data"), perClass: 60, plant: false);

        var (code, output, err) = await CliRun.Invoke("run", recipe);
        Assert.True(code == 0, err + output);
        Assert.Contains("registered keras-images@1", output);
        Assert.Contains("keras-images@production -> version 1", output);

        var spec = ModelFile.Load(Path.Combine(fx.Home, "recipes", "keras-images", "model")).Spec;
        Assert.Equal([-1, 3, 150, 150], spec.Input!.Shape);
        Assert.Equal(InputKind.Image, spec.Input.Kind);
        Assert.Equal(PlantedImageFolder.Classes, spec.ClassNames);
        Assert.Equal("flip,shear=0.2,zoom=0.2", spec.Metadata?["augment"]?.GetValue<string>());
        Assert.Contains("mobilenet", spec.Metadata?["model_source"]?.GetValue<string>());
        Assert.True(spec.Metrics["test_accuracy"] >= 0.8, $"test accuracy {spec.Metrics["test_accuracy"]}");
    }
}
