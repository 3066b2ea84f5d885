using System.Text.Json;
using Lepton.Compression.Data;
using Lepton.Compression.Distillation;
using Lepton.Compression.Measurement;
using Lepton.Compression.Pruning;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Training;
using Lepton.Training.Callbacks;
using Lepton.Training.Tracking;

namespace Lepton.Compression.Tracking;

/// <summary>What a tracked compression step left: the report (null when cancelled), the run, the data set version, the registered version.</summary>
public sealed record TrackedCompressionOutcome(CompressionReport? Report, string RunId, string DatasetRef, ModelVersion? Registered, string ModelDirectory)
{
    public bool Cancelled => Report is null;
}

/// <summary>
/// Pruning and distillation with their lineage recorded, as <c>lepton train</c> records training: the data set version read, a
/// run whose fine-tuning or distillation epochs appear as they end (with the before/after measurements as its final metrics),
/// and the result registered as an ordinary model version linked to the run and the data; the model's metadata names its
/// source model(s) (<c>parent_model</c>) and <c>compression.json</c> beside it holds the report.
/// </summary>
public static class TrackedCompression
{
    /// <summary>The name a result registers under when none is given: the source's registered name (or folder name) plus <paramref name="suffix"/>.</summary>
    public static string DefaultName(ResolvedModel source, string suffix)
    {
        ArgumentNullException.ThrowIfNull(source);
        string name = (source.Version?.Model ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(source.Folder)))) + "-" + suffix;
        if (!ModelName.IsValid(name))
            throw new ArgumentException($"Cannot name the result after {source.Display} ('{name}': {ModelName.Rule}); give one with --register NAME.");
        return name;
    }

    public static async Task<TrackedCompressionOutcome> PruneAsync(ResolvedModel source, string data, string? dataDir, PruneRecipe recipe, string outDir,
        ModelRegistry registry, string registerAs, string actor, IReadOnlyList<ICallback>? callbacks = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(registry);
        ModelName.Validate(registerAs);
        recipe = (recipe ?? throw new ArgumentNullException(nameof(recipe))).Validate();
        using var d = await CompressionData.LoadAsync(data, dataDir, registry, ReadSpec(source.Folder), actor, ct);
        var parameters = JsonSerializer.Serialize(new { command = "compress prune", model = source.Display, data = d.Reference, recipe });
        var recorder = await RunRecorder.StartAsync(registry.Store, registerAs, parameters, d.Reference, recipe.Seed, actor, ct);
        return await Tracked(registry, recorder.RunId, actor, registerAs, d.Reference, outDir, () =>
        {
            var outcome = PruneWorkflow.Run(source.Folder, source.Display, d, recipe, outDir, [.. callbacks ?? [], recorder], ct);
            return (outcome.Cancelled ? null : CompressionReport.Of(outcome, source.Display, d.Reference, recipe), outcome.FineTuning.Count);
        }, ct);
    }

    public static async Task<TrackedCompressionOutcome> DistillAsync(IReadOnlyList<ResolvedModel> teachers, string data, string? dataDir, DistillRecipe recipe,
        string outDir, ModelRegistry registry, string registerAs, string actor, Action<EpochRecord>? onEpoch = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(teachers);
        ArgumentNullException.ThrowIfNull(registry);
        ModelName.Validate(registerAs);
        recipe = (recipe ?? throw new ArgumentNullException(nameof(recipe))).Validate();
        var models = teachers.Select(t => new TeacherModel(t.Folder, t.Display)).ToList();
        if (models.Count == 0) throw new ArgumentException("Name at least one teacher model with --teacher MODEL (several: --teacher A,B).");
        using var d = await CompressionData.LoadAsync(data, dataDir, registry, ReadSpec(models[0].Folder), actor, ct);
        var parameters = JsonSerializer.Serialize(new { command = "compress distill", teachers = models.Select(t => t.Label), data = d.Reference, recipe });
        var run = await RunRecorder.StartAsync(registry.Store, registerAs, parameters, d.Reference, recipe.Seed, actor, ct);
        return await Tracked(registry, run.RunId, actor, registerAs, d.Reference, outDir, () =>
        {
            try
            {
                var outcome = DistillWorkflow.Run(models, d, recipe, outDir, r =>
                {
                    LogEpoch(registry.Store, run.RunId, r);
                    onEpoch?.Invoke(r);
                }, ct);
                return (CompressionReport.Of(outcome, d.Reference), outcome.Epochs.Count);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return (null, 0);
            }
        }, ct);
    }

    // Runs the step; on success writes the report, logs it as the run's final metrics, closes the run and registers the result.
    private static async Task<TrackedCompressionOutcome> Tracked(ModelRegistry registry, string runId, string actor, string name, string datasetRef, string outDir,
        Func<(CompressionReport? Report, int Epochs)> step, CancellationToken ct)
    {
        var (report, epochs) = await new RunRecorder(registry.Store, runId).GuardAsync(() => Task.FromResult(step()), actor);
        if (report is null)
        {
            await registry.Store.EndRunAsync(runId, RunStatus.Cancelled, "cancelled", actor, CancellationToken.None);
            return new TrackedCompressionOutcome(null, runId, datasetRef, null, outDir);
        }
        report.WriteTo(outDir);
        await registry.Store.LogMetricsAsync(runId, epochs + 1, report.Metrics(), CancellationToken.None);
        await registry.Store.EndRunAsync(runId, RunStatus.Completed, null, actor, CancellationToken.None);
        var version = await registry.RegisterAsync(name, outDir, runId, datasetRef, actor, ct);
        return new TrackedCompressionOutcome(report, runId, datasetRef, version, outDir);
    }

    // The per-epoch metrics RunRecorder writes for Trainer.Fit, for the distillation loop (which has no TrainContext).
    private static void LogEpoch(IRegistryStore store, string runId, EpochRecord record) =>
        store.LogMetricsAsync(runId, record.Epoch, RunRecorder.EpochMetrics(record)).GetAwaiter().GetResult();

    private static ModelSpec ReadSpec(string folder)
    {
        string path = Path.Combine(folder, ModelFile.SpecFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{ModelFile.SpecFileName} not found in {folder}; a model folder holds {ModelFile.SpecFileName} and {ModelFile.WeightsFileName}.", path);
        return ModelSpec.FromJson(File.ReadAllText(path), path);
    }
}
