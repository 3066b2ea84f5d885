using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Registry;
using Lepton.Registry.Datasets;
using Lepton.Registry.Store;
using Lepton.Training.Callbacks;
using Lepton.Training.Workflows;
using Lepton.Training.Workflows.CrossValidation;

namespace Lepton.Training.Tracking;

/// <summary>
/// Cross-validation recorded in the registry: a parent run (parameters: the recipe and <c>folds</c>; final metrics: the mean,
/// std, min and max of every held-out metric as <c>cv_mean_accuracy</c>, ...) and one run per fold whose parameters name the
/// parent (<c>parent_run</c>) and the fold, with its per-epoch curves and its held-out metrics as <c>test_*</c>.
/// </summary>
public static class TrackedCrossValidation
{
    public static async Task<CrossValidationResult> RunAsync(ImageClassifierRecipe recipe, int folds, ModelRegistry registry, string name, string actor,
        Func<int, IReadOnlyList<ICallback>>? callbacks = null, Action<FoldOutcome>? onFold = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        using var images = await TrackedTraining.LoadImagesAsync(recipe.Data, registry, ct);
        var dataset = images?.Version
            ?? (TensorFolder.IsTensorFolder(recipe.Data)
                ? await DatasetVersions.RecordTensorFolderAsync(registry.Store, recipe.Data, actor, ct)
                : await DatasetVersions.RecordFashionMnistAsync(registry.Store, recipe.DataDir, actor, ct));
        string datasetRef = $"{dataset.Name}@{dataset.Version}";
        var parameters = JsonNode.Parse(JsonSerializer.Serialize(recipe))!.AsObject();
        parameters["folds"] = folds;
        var parent = await RunRecorder.StartAsync(registry.Store, name + "-cv", parameters.ToJsonString(), datasetRef, recipe.Seed, actor, ct);
        var recorders = new Dictionary<int, RunRecorder>();
        var outcomes = new List<FoldOutcome>();
        CrossValidationResult result;
        try
        {
            result = await Task.Run(() => ImageCrossValidation.Run(recipe, folds, fold =>
            {
                var child = (JsonObject)parameters.DeepClone();
                child["parent_run"] = parent.RunId;
                child["fold"] = fold;
                var recorder = RunRecorder.StartAsync(registry.Store, $"{name}-cv-fold{fold + 1}", child.ToJsonString(), datasetRef, recipe.Seed, actor, ct)
                    .GetAwaiter().GetResult();
                recorders[fold] = recorder;
                return [.. callbacks?.Invoke(fold) ?? [], recorder];
            }, outcome =>
            {
                var recorder = recorders[outcome.Fold];
                var final = outcome.Metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => "test_" + m.Key, m => m.Value);
                registry.Store.LogMetricsAsync(recorder.RunId, recipe.Epochs + 1, final, CancellationToken.None).GetAwaiter().GetResult();
                registry.Store.EndRunAsync(recorder.RunId, RunStatus.Completed, null, actor, CancellationToken.None).GetAwaiter().GetResult();
                var tracked = outcome with { RunId = recorder.RunId };
                outcomes.Add(tracked);
                onFold?.Invoke(tracked);
            }, images, datasetRef, ct), ct);
        }
        catch (Exception ex)
        {
            foreach (var r in recorders.Values.Append(parent))
                if ((await registry.Store.GetRunAsync(r.RunId, CancellationToken.None))?.Status == RunStatus.Running)
                    await registry.Store.EndRunAsync(r.RunId, RunStatus.Failed, ex.Message, actor, CancellationToken.None);
            throw;
        }
        result = new CrossValidationResult(result.Folds, result.Seed, outcomes, parent.RunId) { Cancelled = result.Cancelled };
        var summary = new Dictionary<string, double>();
        foreach (var m in result.Metrics.Where(m => double.IsFinite(m.Mean)))
        {
            summary["cv_mean_" + m.Name] = m.Mean;
            summary["cv_std_" + m.Name] = m.Std;
            summary["cv_min_" + m.Name] = m.Min;
            summary["cv_max_" + m.Name] = m.Max;
        }
        if (summary.Count > 0) await registry.Store.LogMetricsAsync(parent.RunId, 1, summary, CancellationToken.None);
        foreach (var r in recorders.Values)
            if ((await registry.Store.GetRunAsync(r.RunId, CancellationToken.None))?.Status == RunStatus.Running)
                await registry.Store.EndRunAsync(r.RunId, RunStatus.Cancelled, "cross-validation stopped", actor, CancellationToken.None);
        await registry.Store.EndRunAsync(parent.RunId, result.Cancelled ? RunStatus.Cancelled : RunStatus.Completed,
            result.Cancelled ? $"stopped after {outcomes.Count} of {folds} folds" : null, actor, CancellationToken.None);
        return result;
    }
}
