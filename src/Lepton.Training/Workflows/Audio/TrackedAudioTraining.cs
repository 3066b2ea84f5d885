using System.Text.Json;
using Lepton.Registry;
using Lepton.Registry.Datasets.Audio;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Training.Callbacks;
using Lepton.Training.Tracking;

namespace Lepton.Training.Workflows.Audio;

/// <summary>A keyword run as the registry recorded it: the outcome, the run id, the data set version and the registered model.</summary>
public sealed record TrackedAudioOutcome(AudioOutcome Outcome, string RunId, string DatasetRef, ModelVersion? Registered);

/// <summary>
/// <see cref="AudioTraining"/> with the run recorded in the registry (recipe, data set version, per-epoch metrics as they
/// happen, test metrics) and the model folder registered when asked, as <see cref="TrackedTraining"/> does for images.
/// </summary>
public static class TrackedAudioTraining
{
    /// <summary>True when <paramref name="data"/> names an audio data set version in the store (NAME or NAME@V).</summary>
    public static async Task<bool> IsAudioAsync(ModelRegistry registry, string data, CancellationToken ct = default) =>
        await DatasetVersionProbe.TryResolveAsync(registry, data, ct) is { } version && AudioDatasetSummary.IsAudioVersion(version);

    public static async Task<TrackedAudioOutcome> RunAsync(AudioRecipe recipe, string outDir, ModelRegistry registry, string? registerAs, string actor,
        IReadOnlyList<ICallback>? callbacks = null, Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(registry);
        recipe.Validate();
        if (registerAs is not null) ModelName.Validate(registerAs);
        var version = await DatasetReference.Parse(recipe.Data).ResolveAsync(registry.Store, ct);
        if (!AudioDatasetSummary.IsAudioVersion(version))
            throw new ArgumentException($"--data {recipe.Data}: {version.Name}@{version.Version} is not an audio data set version; import a folder or manifest of WAV files with lepton data import.");
        var corpus = await AudioDatasets.LoadAsync(registry.Artifacts, version, ct);
        string datasetRef = $"{version.Name}@{version.Version}";
        string name = registerAs ?? Path.GetFileName(Path.GetFullPath(outDir));
        var recorder = await RunRecorder.StartAsync(registry.Store, name, JsonSerializer.Serialize(recipe), datasetRef, recipe.Seed, actor, ct);
        var outcome = await recorder.GuardAsync(
            () => Task.Run(() => AudioTraining.Run(corpus, datasetRef, recipe, outDir, [recorder, .. callbacks ?? []], log, ct), ct), actor);
        var final = new Dictionary<string, double>(outcome.TestMetrics) { ["seconds"] = outcome.Elapsed.TotalSeconds };
        await registry.Store.AppendRunLogAsync(recorder.RunId,
            $"preset {outcome.Model}, {outcome.ClipSeconds:0.###} s clips, augment {outcome.Augment}, {outcome.TrainClips} training, {outcome.TestClips} test clips\n", ct);
        await recorder.CompleteAsync(outcome.History, final, actor, outcome.Cancelled ? CancellationToken.None : ct);
        if (outcome.Cancelled) return new TrackedAudioOutcome(outcome, recorder.RunId, datasetRef, null);
        ModelVersion? registered = registerAs is null ? null : await registry.RegisterAsync(registerAs, outDir, recorder.RunId, datasetRef, actor, ct);
        return new TrackedAudioOutcome(outcome, recorder.RunId, datasetRef, registered);
    }
}
