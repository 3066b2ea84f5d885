using System.Text.Json;
using Lepton.Data;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Training.Callbacks;
using Lepton.Training.Tracking;

namespace Lepton.Compression.Lora;

/// <summary>What a tracked LoRA run left in the registry.</summary>
public sealed record TrackedLoraOutcome(LoraOutcome Outcome, string RunId, string DatasetRef, ModelVersion? Registered);

/// <summary>One adapter registered for a base model: the version holding it and what adapter.json says.</summary>
public sealed record RegisteredAdapter(ModelVersion Version, int Rank, double Alpha, IReadOnlyList<string> Targets, string? BaseModel);

/// <summary>
/// LoRA runs recorded like training runs: the base resolved from the registry (<c>name@3</c>) or a folder, the dataset version
/// recorded, a run with its epochs, and optionally the adapted model registered as a version (merged weights plus adapter files,
/// lineage to the base in its model.json). Several adapters of one base are listed by <see cref="ListAdaptersAsync"/>.
/// </summary>
public static class LoraTrackedTraining
{
    public static async Task<TrackedLoraOutcome> RunAsync(LoraRecipe recipe, string outDir, ModelRegistry registry, string? registerAs, string actor,
        IReadOnlyList<ICallback>? callbacks = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(registry);
        if (registerAs is not null) ModelName.Validate(registerAs);
        using var images = await TrackedTraining.LoadImagesAsync(recipe.Data, registry, ct);
        var dataset = images?.Version
            ?? (TensorFolder.IsTensorFolder(recipe.Data)
                ? await DatasetVersions.RecordTensorFolderAsync(registry.Store, recipe.Data, actor, ct)
                : await DatasetVersions.RecordFashionMnistAsync(registry.Store, recipe.DataDir, actor, ct));
        string datasetRef = $"{dataset.Name}@{dataset.Version}";
        string name = registerAs ?? Path.GetFileName(Path.GetFullPath(outDir));
        var recorder = await RunRecorder.StartAsync(registry.Store, name, JsonSerializer.Serialize(new
        {
            kind = "lora", base_model = recipe.Base, data = recipe.Data, lora = recipe.Lora.ToString(), recipe.Epochs, recipe.BatchSize,
            recipe.LearningRate, recipe.Optimizer, recipe.Seed,
        }), datasetRef, recipe.Seed, actor, ct);
        var outcome = await recorder.GuardAsync(
            () => Task.FromResult(LoraTraining.Run(recipe, outDir, [.. callbacks ?? [], recorder], ct, images?.Manifest, images?.Pixels, datasetRef)), actor);
        var final = outcome.Metrics.Count > 0 ? outcome.Metrics.ToDictionary(kv => "test_" + kv.Key, kv => kv.Value) : null;
        await recorder.CompleteAsync(outcome.History, final, actor, CancellationToken.None);
        ModelVersion? version = null;
        if (registerAs is not null && !outcome.Cancelled)
            version = await registry.RegisterAsync(registerAs, outDir, recorder.RunId, datasetRef, actor, ct);
        return new TrackedLoraOutcome(outcome, recorder.RunId, datasetRef, version);
    }

    /// <summary>
    /// Every registered version whose adapter was trained on <paramref name="baseReference"/>'s weights (matched by the SHA-256 of
    /// weights.safetensors, so it holds across names and aliases), newest first.
    /// </summary>
    public static async Task<IReadOnlyList<RegisteredAdapter>> ListAdaptersAsync(ModelRegistry registry, string baseReference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var reference = ModelReference.Parse(baseReference);
        string baseHash;
        if (reference.Kind == ModelReferenceKind.Folder) baseHash = LoraAdapterFile.BaseWeightsHash(reference.FolderPath!);
        else
        {
            var version = (await registry.FindAsync(reference, ct))!;
            var manifest = await registry.Packages.ReadManifestAsync(version.ArtifactHash, ct);
            baseHash = manifest.Files.TryGetValue(ModelFile.WeightsFileName, out var w) ? w.Sha256
                : throw new ArgumentException($"{baseReference} has no {ModelFile.WeightsFileName}; LoRA adapts Lepton network models.");
        }
        var found = new List<RegisteredAdapter>();
        foreach (var model in await registry.Store.ListModelsAsync(ct))
        foreach (var v in await registry.Store.ListModelVersionsAsync(model.Name, ct))
        {
            var spec = await registry.Packages.ReadSpecAsync(v.ArtifactHash, ct);
            if (spec.Metadata?["lora"] is not System.Text.Json.Nodes.JsonObject lora) continue;
            if (lora["base_weights_sha256"]?.GetValue<string>() != baseHash) continue;
            found.Add(new RegisteredAdapter(v, lora["rank"]?.GetValue<int>() ?? 0, lora["alpha"]?.GetValue<double>() ?? 0,
                lora["targets"] is System.Text.Json.Nodes.JsonArray t ? [.. t.Select(n => n?.GetValue<string>() ?? "")] : [],
                spec.Metadata?["parent_model"]?.GetValue<string>()));
        }
        return [.. found.OrderByDescending(a => a.Version.CreatedAt)];
    }
}
