using System.Runtime.InteropServices;
using System.Text.Json;
using Lepton.Data;
using Lepton.Registry;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Training.Callbacks;
using Lepton.Training.Distributed;
using Lepton.Training.Workflows;

namespace Lepton.Training.Tracking;

/// <summary>What a tracked training run left in the registry.</summary>
public sealed record TrackedOutcome(TrainingOutcome Outcome, string RunId, string DatasetRef, ModelVersion? Registered);

/// <summary>
/// Image-classifier training with its lineage recorded: the dataset version it read, a run whose metrics
/// appear epoch by epoch, and optionally the resulting model registered as a new version linked to both.
/// </summary>
public static class TrackedTraining
{
    /// <summary>
    /// Trains and records. Under a <paramref name="communicator"/> of several ranks, rank 0 records the run and registers the
    /// model while the other ranks only read the data and train (their outcome has no run id).
    /// </summary>
    public static async Task<TrackedOutcome> RunAsync(ImageClassifierRecipe recipe, string outDir, ModelRegistry registry,
        string? registerAs, string actor, IReadOnlyList<ICallback>? callbacks = null, CancellationToken ct = default,
        ICommunicator? communicator = null)
    {
        if (registerAs is not null) Registry.References.ModelName.Validate(registerAs);
        using var images = await LoadImagesAsync(recipe.Data, registry, ct);
        if (communicator is { Rank: > 0 })
        {
            string reference = images is null ? recipe.Data : $"{images.Version.Name}@{images.Version.Version}";
            var rankOutcome = ImageClassifierTraining.Run(recipe, outDir, callbacks, ct, images, reference, communicator);
            return new TrackedOutcome(rankOutcome, "", reference, null);
        }
        var dataset = images?.Version
            ?? (TensorFolder.IsTensorFolder(recipe.Data)
                ? await DatasetVersions.RecordTensorFolderAsync(registry.Store, recipe.Data, actor, ct)
                : await DatasetVersions.RecordFashionMnistAsync(registry.Store, recipe.DataDir, actor, ct));
        string datasetRef = $"{dataset.Name}@{dataset.Version}";
        string name = registerAs ?? Path.GetFileName(Path.GetFullPath(outDir));
        var recorder = await RunRecorder.StartAsync(registry.Store, name, JsonSerializer.Serialize(recipe), datasetRef, recipe.Seed, actor, ct);
        string? interrupted = recipe.Resume ? RunMarker.Read(outDir) : null;
        RunMarker.Write(outDir, recorder.RunId);
        if (interrupted is not null && await registry.Store.GetRunAsync(interrupted, ct) is { Status: RunStatus.Running })
        {
            // Its process was killed before it could end its own record.
            await registry.Store.EndRunAsync(interrupted, RunStatus.Failed, $"interrupted (its process was killed); resumed by run {recorder.RunId}", actor, ct);
            await registry.Store.AppendRunLogAsync(recorder.RunId, $"resumes run {interrupted} from the last checkpoint in {outDir}\n", ct);
        }
        using var stopped = RecordStopByMpirun(communicator, registry, recorder.RunId, actor);
        // Failures inside Fit were already recorded by the callback; the guard covers the steps around it.
        var outcome = await recorder.GuardAsync(
            () => Task.FromResult(ImageClassifierTraining.Run(recipe, outDir, [.. callbacks ?? [], recorder], ct, images, datasetRef, communicator)), actor);
        Dictionary<string, double>? final = outcome.TestReport is { } r
            ? new() { ["test_accuracy"] = r.Accuracy, ["test_macro_f1"] = r.MacroAverage.F1 }
            : null;
        await recorder.CompleteAsync(outcome.History, final, actor, CancellationToken.None);
        ModelVersion? version = null;
        if (registerAs is not null && !outcome.Cancelled)
            version = await registry.RegisterAsync(registerAs, outDir, recorder.RunId, datasetRef, actor, ct);
        return new TrackedOutcome(outcome, recorder.RunId, datasetRef, version);
    }

    // mpirun ends every rank with SIGTERM, then SIGKILL, when one rank dies: rank 0 closes its run record in between, with a
    // bounded wait so the notice and the record never hold the process past the kill.
    private static IDisposable? RecordStopByMpirun(ICommunicator? communicator, ModelRegistry registry, string runId, string actor) =>
        communicator is { Size: > 1 }
            ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => registry.Store
                .EndRunAsync(runId, RunStatus.Failed, "stopped by mpirun: another rank died or was killed, or the job was interrupted; rerun with --resume", actor)
                .Wait(TimeSpan.FromMilliseconds(500)))
            : null;

    /// <summary>The image data set version <c>--data</c> names (NAME or NAME@V), or null for Fashion-MNIST and tensor folders.</summary>
    public static async Task<ImageDatasetVersion?> LoadImagesAsync(string data, ModelRegistry registry, CancellationToken ct)
    {
        if (TensorFolder.IsTensorFolder(data) || string.Equals(data, "fashion-mnist", StringComparison.OrdinalIgnoreCase)) return null;
        if (Directory.Exists(data))
            throw new ArgumentException($"--data {data} is a folder but not a tensor data set; import a folder of images first (lepton data import {data} --name NAME) and train with --data NAME.");
        var version = await DatasetReference.Parse(data).ResolveAsync(registry.Store, ct);
        if (!ImageDatasetSummary.IsImageVersion(version))
            throw new ArgumentException($"--data {data}: {version.Name}@{version.Version} is not an image data set version (imported with lepton data import); use fashion-mnist, a tensor data set folder, or an image data set.");
        return await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, version, ct: ct);
    }
}
