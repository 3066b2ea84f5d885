using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;
using Lepton.Training.Tracking;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>train</c>: a tracked training run (dataset version, parameters, metrics per epoch) writing the model folder under
/// the recipe's folder. Ctrl+C keeps the last complete epoch in the folder but leaves the step to run again.
/// </summary>
public sealed class TrainStep : IRecipeStep
{
    public string Name => "train";

    public static string ModelDirectory(RecipeContext context) => Path.Combine(context.WorkDirectory, "model");

    public string InputHash(Recipe recipe)
    {
        string hash = RecipeHash.Of(recipe, "data", "model", "training");
        // A model.json edited in place changes what trains, though the recipe text does not change.
        return recipe.Model.File is { } file && File.Exists(file)
            ? $"{hash} {RecipeHash.Part("model-file", Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))))}"
            : hash;
    }

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var recipe = context.Recipe;
        var training = context.TrainingRecipe();
        string dir = ModelDirectory(context);
        context.Log($"training {recipe.Model.Reference} for {training.Epochs} epoch(s) into {dir}");
        var tracked = await TrackedTraining.RunAsync(training, dir, context.Registry, null, context.Actor, context.TrainingCallbacks, ct);
        if (tracked.Outcome.Cancelled || tracked.Outcome.TestReport is null)
            throw new OperationCanceledException($"Training stopped after {tracked.Outcome.History.Epochs.Count} epoch(s); the step runs again on the next lepton run.", ct);
        var report = tracked.Outcome.TestReport;
        context.Log($"run {tracked.RunId}: test accuracy {report.Accuracy * 100:0.00}%, macro F1 {report.MacroAverage.F1:F4}");
        return new JsonObject
        {
            ["run_id"] = tracked.RunId,
            ["dataset_ref"] = tracked.DatasetRef,
            ["model_dir"] = dir,
            ["epochs"] = tracked.Outcome.History.Epochs.Count,
            ["test_accuracy"] = report.Accuracy,
            ["test_macro_f1"] = report.MacroAverage.F1,
        };
    }
}
