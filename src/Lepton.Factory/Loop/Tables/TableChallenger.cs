using System.Diagnostics;
using Lepton.Registry;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Factory.Loop.Tables;

/// <summary>
/// Trains a table challenger on the loop's table data set version: a gradient-boosted tree model (LightGBM, the policy's seed, one
/// thread so the run repeats), with fresh encoders fitted on the new train split, recorded as a run and registered as a new version.
/// It keeps the champion's class weights, its threshold rule (a rule is chosen again, on out-of-fold predictions of the new
/// training rows, so the feedback held out to judge the two stays unseen), a regressor's loss, its monotone columns and whether it
/// is additive, the column its rows were reweighed by, its calibration method and its conformal intervals' level (fitted again, on out-of-fold predictions); the columns the champion did not learn from (<paramref name="excluded"/> of <see cref="TrainAsync"/>) stay out of it.
/// </summary>
public static class TableChallenger
{
    public static async Task<ChallengerResult> TrainAsync(ModelRegistry registry, LoopPolicy policy, FeedbackDatasetVersion dataset, int feedbackExamples,
        string actor, CancellationToken ct, System.Text.Json.Nodes.JsonObject? championMetadata = null, string? championLoss = null, IReadOnlyList<string>? excluded = null)
    {
        var recipe = new TabularRecipe(dataset.DatasetRef, "gbdt", Seed: (int)policy.Seed, Threads: 1,
            ClassWeight: championMetadata?["class_weight"]?.GetValue<string>() is { } weights and not "none" ? weights : null,
            Threshold: Training.Classic.ThresholdChoice.FromJson(championMetadata?["decision_threshold"])?.Rule)
        {
            ThresholdOnFolds = true,
            Loss = championLoss,
            Monotone = championMetadata?["monotone"]?.GetValue<string>() is { } monotone and not "none" ? monotone : null,
            Additive = championMetadata?["additive"]?.GetValue<bool>() == true,
            Exclude = excluded is { Count: > 0 } ? string.Join(',', excluded) : null,
            Reweigh = championMetadata?["reweigh"]?.GetValue<string>(),
            // Feedback rows carry the weight when clients send it (the server logs it); those without count once.
            WeightColumn = championMetadata?["weight_column"]?.GetValue<string>(),
            MissingWeightCountsOnce = true,
            Calibrate = championMetadata?["calibration"]?["method"]?.GetValue<string>(),
            Intervals = championMetadata?["intervals"]?["level"]?.GetValue<double>(),
            IntervalsPerClass = championMetadata?["intervals"]?["per_class"]?.GetValue<bool>() == true,
            IntervalsMethod = championMetadata?["intervals"]?["method"]?.GetValue<string>(),
        };
        string dir = Path.Combine(Path.GetTempPath(), "lepton-table-challengers", Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();
        try
        {
            var tracked = await TrackedTabularTraining.RunAsync(recipe, dir, registry, policy.Model, actor, ct);
            var version = tracked.Registered ?? throw new InvalidOperationException("The table challenger was trained but not registered.");
            var outcome = tracked.Outcome;
            double test = outcome.TestMetrics.GetValueOrDefault("test_accuracy", double.NaN);
            return new ChallengerResult(version, tracked.RunId, outcome.TrainRows, feedbackExamples, 1, double.NaN, test, clock.Elapsed);
        }
        finally
        {
            // The registry keeps its own copy of the registered folder.
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
