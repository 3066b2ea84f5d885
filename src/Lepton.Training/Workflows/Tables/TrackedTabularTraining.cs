using System.Text.Json;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Training.Tracking;

namespace Lepton.Training.Workflows.Tables;

/// <summary>A tabular run as the registry recorded it: the outcome, the run id, the data set version and the registered model.</summary>
public sealed record TrackedTabularOutcome(TabularOutcome Outcome, string RunId, string DatasetRef, ModelVersion? Registered);

/// <summary>
/// <see cref="TabularTraining"/> with the run recorded in the registry (parameters, data set version, test metrics and every
/// auto candidate's cross-validated score) and the model folder registered when asked, as <see cref="TrackedTraining"/> does
/// for networks.
/// </summary>
public static class TrackedTabularTraining
{
    /// <summary>True when <paramref name="data"/> names a table data set version in the store (NAME or NAME@V).</summary>
    public static async Task<bool> IsTableAsync(ModelRegistry registry, string data, CancellationToken ct = default) =>
        await DatasetVersionProbe.TryResolveAsync(registry, data, ct) is { } version && TableDatasetSummary.IsTableVersion(version);

    public static async Task<TrackedTabularOutcome> RunAsync(TabularRecipe recipe, string outDir, ModelRegistry registry, string? registerAs, string actor,
        CancellationToken ct = default)
    {
        recipe.Validate();
        if (registerAs is not null) ModelName.Validate(registerAs);
        var version = await DatasetReference.Parse(recipe.Data).ResolveAsync(registry.Store, ct);
        if (!TableDatasetSummary.IsTableVersion(version))
            throw new ArgumentException($"--data {recipe.Data}: {version.Name}@{version.Version} is not a table data set version; import a .csv or .parquet with lepton data import.");
        var data = await TableDatasets.LoadAsync(registry.Artifacts, version, ct);
        string datasetRef = $"{version.Name}@{version.Version}";
        string name = registerAs ?? Path.GetFileName(Path.GetFullPath(outDir));
        var recorder = await RunRecorder.StartAsync(registry.Store, name, JsonSerializer.Serialize(recipe), datasetRef, (ulong)recipe.Seed, actor, ct);
        var outcome = await recorder.GuardAsync(() => Task.Run(() => TabularTraining.Run(data, recipe, outDir, ct), ct), actor);
        string runId = recorder.RunId;
        var metrics = new Dictionary<string, double>(outcome.TestMetrics) { ["seconds"] = outcome.Elapsed.TotalSeconds };
        foreach (var c in outcome.Candidates.Where(c => c.Completed)) metrics[$"cv_{c.Metric}_{c.Name}"] = c.Mean;
        await registry.Store.LogMetricsAsync(runId, 1, metrics, ct);
        await registry.Store.AppendRunLogAsync(runId, $"learner {outcome.Learner}, {outcome.TrainRows} training rows, {outcome.TestRows} test rows\n" +
            string.Concat(outcome.Candidates.Select(c => $"candidate {c.Name}: {(c.Completed ? $"{c.Metric} {c.Mean:F4}" : c.Skipped)}\n")), ct);
        await registry.Store.EndRunAsync(runId, RunStatus.Completed, null, actor, ct);
        ModelVersion? registered = registerAs is null ? null : await registry.RegisterAsync(registerAs, outDir, runId, datasetRef, actor, ct);
        return new TrackedTabularOutcome(outcome, runId, datasetRef, registered);
    }
}
