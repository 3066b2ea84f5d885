using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;
using Lepton.Training.Tracking;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>train</c>: a tracked training run (dataset version, parameters, metrics per epoch) writing the model folder under
/// the recipe's folder; for a table, the learner (or auto's best) on the split table. Ctrl+C keeps the last complete epoch in
/// the folder but leaves the step to run again.
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
        if (context.Recipe.Data.IsTable) return await TrainTableAsync(context, ct);
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

    // A table learner (or auto's best) on the version the data step recorded, as lepton train --data NAME@V does.
    private static async Task<JsonObject> TrainTableAsync(RecipeContext context, CancellationToken ct)
    {
        var recipe = context.Recipe;
        string datasetRef = context.Outputs("data")["dataset_ref"]!.GetValue<string>();
        var tabular = (recipe.Training.Table ?? new RecipeTableTraining()).ToTabularRecipe(datasetRef, recipe.Model.Reference, recipe.Training.Seed);
        string dir = ModelDirectory(context);
        context.Log($"training {tabular.Model} on {datasetRef} into {dir}");
        var tracked = await TrackedTabularTraining.RunAsync(tabular, dir, context.Registry, null, context.Actor, ct);
        var outcome = tracked.Outcome;
        foreach (var c in outcome.Candidates)
            context.Log($"  candidate {c.Name}: {(c.Completed ? $"cross-validated {c.Metric} {c.Mean:F4}" : c.Skipped)}");
        context.Log($"run {tracked.RunId}: {outcome.Learner}, {string.Join(", ", outcome.TestMetrics.Select(m => $"{m.Key} {m.Value:F4}"))}");
        var result = new JsonObject
        {
            ["run_id"] = tracked.RunId,
            ["dataset_ref"] = tracked.DatasetRef,
            ["model_dir"] = dir,
            ["learner"] = outcome.Learner,
        };
        foreach (var (key, value) in outcome.TestMetrics) result[key] = value;
        return result;
    }
}
