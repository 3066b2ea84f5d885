using System.Text.Json;
using Lepton.Registry;
using Lepton.Registry.Datasets.Text;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Training.Tracking;

namespace Lepton.Training.Workflows.Text;

/// <summary>A text run as the registry recorded it: the outcome, the run id, the data set version and the registered model.</summary>
public sealed record TrackedTextOutcome(TextOutcome Outcome, string RunId, string DatasetRef, ModelVersion? Registered);

/// <summary>
/// <see cref="TextTraining"/> with the run recorded in the registry (recipe, data set version, per-epoch loss, test metrics)
/// and the model folder registered when asked, as <see cref="TrackedTraining"/> does for images.
/// </summary>
public static class TrackedTextTraining
{
    /// <summary>True when <paramref name="data"/> names a text data set version in the store (NAME or NAME@V).</summary>
    public static async Task<bool> IsTextAsync(ModelRegistry registry, string data, CancellationToken ct = default) =>
        await DatasetVersionProbe.TryResolveAsync(registry, data, ct) is { } version && TextDatasetSummary.IsTextVersion(version);

    public static async Task<TrackedTextOutcome> RunAsync(TextRecipe recipe, string outDir, ModelRegistry registry, string? registerAs, string actor,
        Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(registry);
        recipe.Validate();
        if (registerAs is not null) ModelName.Validate(registerAs);
        var version = await DatasetReference.Parse(recipe.Data).ResolveAsync(registry.Store, ct);
        if (!TextDatasetSummary.IsTextVersion(version))
            throw new ArgumentException($"--data {recipe.Data}: {version.Name}@{version.Version} is not a text data set version; import a folder or table of texts with lepton data import.");
        var corpus = await TextDatasets.LoadAsync(registry.Artifacts, version, ct);
        string datasetRef = $"{version.Name}@{version.Version}";
        string name = registerAs ?? Path.GetFileName(Path.GetFullPath(outDir));
        var recorder = await RunRecorder.StartAsync(registry.Store, name, JsonSerializer.Serialize(recipe), datasetRef, recipe.Seed, actor, ct);
        var outcome = await recorder.GuardAsync(() => Task.Run(() => TextTraining.Run(corpus, datasetRef, recipe, outDir, log, ct), ct), actor);
        string runId = recorder.RunId;
        for (int e = 0; e < outcome.EpochLosses.Count; e++)
            await registry.Store.LogMetricsAsync(runId, e + 1, new Dictionary<string, double> { ["train_loss"] = outcome.EpochLosses[e] }, ct);
        var metrics = new Dictionary<string, double>(outcome.TestMetrics) { ["seconds"] = outcome.Elapsed.TotalSeconds };
        await registry.Store.LogMetricsAsync(runId, Math.Max(1, outcome.EpochLosses.Count), metrics, ct);
        await registry.Store.AppendRunLogAsync(runId, $"preset {outcome.Model}, vocabulary {outcome.VocabSize}, {outcome.TrainTexts} training texts, {outcome.TestTexts} test texts\n", ct);
        if (outcome.Cancelled)
        {
            await registry.Store.EndRunAsync(runId, RunStatus.Cancelled, "cancelled", actor, CancellationToken.None);
            return new TrackedTextOutcome(outcome, runId, datasetRef, null);
        }
        await registry.Store.EndRunAsync(runId, RunStatus.Completed, null, actor, ct);
        ModelVersion? registered = registerAs is null ? null : await registry.RegisterAsync(registerAs, outDir, runId, datasetRef, actor, ct);
        return new TrackedTextOutcome(outcome, runId, datasetRef, registered);
    }
}
