using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Compression.Tuning;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;
using Lepton.Compression.Tuning.Study;
using Lepton.Factory.Recipes.Running;
using Lepton.NN.Serialization;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>tune</c>, in place of <c>train</c>: a hyperparameter search from the training section over the tune section's space,
/// its study kept in the recipe's folder (<c>study/</c>) so an interrupted search resumes; the best completed trial is the
/// trained model that goes through the gate, with its run as lineage.
/// </summary>
public sealed class TuneStep : IRecipeStep
{
    public string Name => "tune";

    public string InputHash(Recipe recipe) =>
        $"{RecipeHash.Of(recipe, "data", "model", "training", "tune")} {RecipeHash.Part("space", File.Exists(recipe.Tune!.Space) ? File.ReadAllText(recipe.Tune.Space) : "")}";

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var recipe = context.Recipe;
        var tune = recipe.Tune ?? throw new InvalidOperationException("The tune step runs only for a recipe with a tune section.");
        // A table's search reads only the data set version and the seed from the base recipe (TrackedTuning tunes gbdt on it).
        var baseRecipe = recipe.Data.IsTable
            ? new Training.Workflows.ImageClassifierRecipe(Data: context.Outputs("data")["dataset_ref"]!.GetValue<string>(), Seed: recipe.Training.Seed)
            : context.TrainingRecipe();
        var study = new StudyOptions(recipe.Name, Path.Combine(context.WorkDirectory, "study"), tune.Trials, tune.Parallel, tune.Budget, tune.Sampler,
            recipe.Training.Seed, new SuccessiveHalving(tune.MinEpochs, tune.MaxEpochs ?? recipe.Training.Epochs, tune.Eta));
        context.Log($"tuning {recipe.Model.Reference}: {tune.Trials} trials ({tune.Sampler}, {tune.Parallel} at a time), {study.Schedule.MinEpochs} to {study.Schedule.MaxEpochs} epochs each, study in {study.Directory}");
        var request = new TuneRequest(baseRecipe, SearchSpaceYaml.Load(tune.Space), study)
        {
            ClassWeight = recipe.Training.Table?.ClassWeight,
            Threshold = recipe.Training.Table?.Threshold,
            Loss = recipe.Training.Table?.Loss,
            Monotone = recipe.Training.Table?.Monotone,
            Additive = recipe.Training.Table?.Additive ?? false,
            Exclude = recipe.Training.Table?.Exclude,
            Reweigh = recipe.Training.Table?.Reweigh,
            Calibrate = recipe.Training.Table?.Calibrate,
            Intervals = recipe.Training.Table?.Intervals,
            IntervalsMethod = recipe.Training.Table?.IntervalsMethod,
            WeightColumn = recipe.Training.Table?.WeightColumn,
        };
        var outcome = await TrackedTuning.RunAsync(request, context.Registry, context.Actor, ct: ct);
        if (outcome.Stop == StudyStop.Cancelled)
            throw new OperationCanceledException("The search was interrupted; its finished trials are kept and the next lepton run resumes it.", ct);
        var best = outcome.Best ?? throw new RecipeStepFailedException(
            $"No trial of the search completed ({outcome.State.Trials.Count} started); give it more time (tune.budget) or check the trials with lepton runs list.");
        string dir = best.ModelDirectory ?? throw new InvalidOperationException($"Trial {best.Number} completed without a model folder.");
        string specPath = Path.Combine(dir, ModelFile.SpecFileName);
        var metrics = ModelSpec.FromJson(File.ReadAllText(specPath), specPath).Metrics; // the spec alone, not the weights
        // A table trial's test score is among the metrics it recorded ("@test_accuracy", "@test_rmse"), not in its model.json.
        double? Recorded(string name) => metrics.TryGetValue(name, out double v) ? v
            : best.Readable.TryGetValue("@" + name, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out v) ? v : null;
        double? rmse = recipe.Data.IsTable ? Recorded("test_rmse") : null;
        double accuracy = Recorded("test_accuracy") ?? (rmse is not null ? double.NaN
            : throw new InvalidOperationException($"The best trial's model in {dir} records no test_accuracy."));
        var run = best.RunId is null ? null : await context.Registry.Store.GetRunAsync(best.RunId, ct);
        // Readable also carries the trial's recorded metrics as "@name"; the parameters are the rest.
        var chosen = best.Readable.Where(kv => !kv.Key.StartsWith('@')).ToList();
        string values = string.Join(", ", chosen.Select(kv => $"{kv.Key}={kv.Value}"));
        string score = rmse is { } r ? $"test RMSE {r.ToString("0.####", CultureInfo.InvariantCulture)}" : $"test accuracy {accuracy * 100:0.00}%";
        // A table trial's score is its validation accuracy, or its validation RMSE negated (higher is better either way).
        string chosenBy = recipe.Data.IsTable ? $"validation score {best.Value?.ToString("G5", CultureInfo.InvariantCulture)}" : $"{Percent(best.Value)} {study.Metric}";
        context.Log($"best of {outcome.State.Trials.Count} trials: trial {best.Number} ({values}), {chosenBy}, {score}; {outcome.EpochsSpent} epochs spent");
        var parameters = new JsonObject();
        foreach (var (k, v) in chosen) parameters[k] = v;
        var result = new JsonObject
        {
            ["run_id"] = best.RunId,
            ["dataset_ref"] = run?.DatasetRef,
            ["model_dir"] = dir,
            ["best_trial"] = best.Number,
            ["best_parameters"] = parameters,
            ["trials"] = outcome.State.Trials.Count,
            ["epochs_spent"] = outcome.EpochsSpent,
        };
        if (rmse is { } e) result["test_rmse"] = e;
        else result["test_accuracy"] = accuracy;
        return result;
    }

    private static string Percent(double? v) => v is { } x ? (x * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "-";
}
