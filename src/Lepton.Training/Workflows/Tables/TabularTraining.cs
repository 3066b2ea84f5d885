using System.Diagnostics;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Schema;
using Lepton.Registry.Datasets.Tables;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.LightGbm;
using Lepton.Training.Classic.Linear;
using Lepton.Training.Classic.Mlp;

namespace Lepton.Training.Workflows.Tables;

/// <summary>What a tabular run produced: the model, the learner chosen, its test metrics and (for auto) every candidate's scores.</summary>
public sealed record TabularOutcome(
    ITabularModel Model,
    string Learner,
    IReadOnlyDictionary<string, double> TestMetrics,
    IReadOnlyList<CandidateScore> Candidates,
    int TrainRows,
    int TestRows,
    TimeSpan Elapsed);

/// <summary>
/// Trains a tabular learner on a table data set version: column encoders and the label encoder fitted on the train split
/// only (trees get ordinal categories and NaN as it is; linear models and the MLP imputed, standardized, one-hot features), the learner
/// fitted (LightGBM through its C API, or a linear model or an MLP on the engine, or the best of them by cross-validation), scored on
/// the test split, and written as a model folder with <c>encoders.json</c> beside the model so predictions replay the encoding, and
/// <c>reference.json</c> (per-column profile of the training rows, held-out prediction mix) that monitoring measures drift against.
/// </summary>
public static class TabularTraining
{
    /// <summary>The file in a tabular model folder that holds its fitted column encoders.</summary>
    public const string EncodersFile = "encoders.json";

    public static TabularOutcome Run(TableDatasetVersion data, TabularRecipe recipe, string outDir, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(recipe);
        recipe.Validate();
        var clock = Stopwatch.StartNew();
        var set = TableTrainingSet.Build(data.Table, data.Schema, data.Splits, new EncoderOptions(TabularRecipe.EncoderModeOf(recipe.Model)));
        var task = set.Labels.Task == TableTask.Regression ? TabularTask.Regression() : TabularTask.Classification(set.Labels.Classes);
        if (recipe.Model is "logistic" or "linear-svm" && !task.IsClassification)
            throw new ArgumentException($"--model {recipe.Model} classifies, but {data.Version.Name}@{data.Version.Version}'s label '{set.Labels.Column}' is a regression target; use linear, mlp, gbdt or auto.");
        var train = set.Train;
        var (model, candidates) = Fit(recipe, train.Features, train.Labels, task, ct);
        var metrics = new Dictionary<string, double>();
        var test = set.Test ?? set.Validation;
        if (test is { Labels.Length: > 0 })
        {
            double score = TabularAuto.Score(task, model.Predict(test.Features), test.Labels);
            metrics[task.IsClassification ? "test_accuracy" : "test_rmse"] = score;
        }
        // A validation split of its own (not standing in for the test) is scored too: a search chooses on it, not on the test.
        if (set.Test is not null && set.Validation is { Labels.Length: > 0 } validation)
            metrics[task.IsClassification ? "validation_accuracy" : "validation_rmse"] = TabularAuto.Score(task, model.Predict(validation.Features), validation.Labels);
        Directory.CreateDirectory(outDir);
        model.Save(outDir);
        set.Encoders.Save(Path.Combine(outDir, EncodersFile));
        TabularReference.Build(data.Table, data.Splits, set, model, task).Save(outDir);
        return new TabularOutcome(model, model.Learner, metrics, candidates, train.Labels.Length, test?.Labels.Length ?? 0, clock.Elapsed);
    }

    /// <summary>The recipe's learner fitted on <paramref name="x"/> (for auto: the best candidate by cross-validation, with every candidate's score).</summary>
    internal static (ITabularModel Model, IReadOnlyList<CandidateScore> Candidates) Fit(TabularRecipe recipe, FeatureMatrix x, float[] labels, TabularTask task,
        CancellationToken ct)
    {
        switch (recipe.Model)
        {
            case "gbdt":
                return (GradientBoostingLearner.Fit(x, labels, task, (recipe.Trees ?? GradientBoostingOptions.Default) with { Seed = recipe.Seed, NumThreads = recipe.Threads }, ct), []);
            case "random-forest":
                return (GradientBoostingLearner.Fit(x, labels, task, (recipe.Trees ?? GradientBoostingOptions.RandomForest) with { Seed = recipe.Seed, NumThreads = recipe.Threads }, ct), []);
            case "logistic" or "linear":
                return (LinearLearner.Fit(x, labels, task, new LinearOptions(), ct), []);
            case "linear-svm":
                return (LinearLearner.Fit(x, labels, task, LinearOptions.Svm, ct), []);
            case "mlp":
                return (TabularMlp.Fit(x, labels, task, (recipe.Mlp ?? new TabularMlpOptions()) with { Seed = recipe.Seed }, ct), []);
            default:
                var auto = TabularAuto.Run(x, labels, task, new TabularAutoOptions(Seed: recipe.Seed, Budget: recipe.Budget, NumThreads: recipe.Threads), ct: ct);
                return (auto.Model, auto.Scores);
        }
    }
}
