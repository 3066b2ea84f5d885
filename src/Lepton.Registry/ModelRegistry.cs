using System.Text.Json;
using Lepton.NN.Serialization;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.References;
using Lepton.Registry.Store;

namespace Lepton.Registry;

/// <summary>A model reference resolved to a registered version (null for a plain folder) and a verified folder on disk.</summary>
public sealed record ResolvedModel(ModelVersion? Version, string Folder)
{
    public string Display => Version is { } v ? $"{v.Model}@{v.Version}" : Folder;
}

/// <summary>
/// The registry as users see it: the record store plus the content-addressed artifacts. Registers model
/// folders as immutable versions, resolves <c>name</c>, <c>name@3</c>, <c>name@alias</c> or a folder to a
/// verified model folder, and moves aliases (promote, rollback).
/// </summary>
public sealed class ModelRegistry(IRegistryStore store, IArtifactStore artifacts, ModelPackageOptions? packageOptions = null) : IAsyncDisposable
{
    public IRegistryStore Store { get; } = store;

    public IArtifactStore Artifacts { get; } = artifacts;

    public ModelPackage Packages { get; } = new(artifacts, packageOptions);

    /// <summary>
    /// Opens the store named by <paramref name="storeSetting"/> (or LEPTON_STORE) and the artifacts: an S3 bucket
    /// when LEPTON_S3_BUCKET is set, else the folder under LEPTON_HOME.
    /// </summary>
    public static async Task<ModelRegistry> OpenAsync(string? storeSetting = null, CancellationToken ct = default)
    {
        IArtifactStore artifacts = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(S3ArtifactStoreOptions.BucketVariable))
            ? FileArtifactStore.OpenDefault()
            : new S3ArtifactStore(S3ArtifactStoreOptions.FromEnvironment());
        var store = await RegistryStoreFactory.OpenAsync(storeSetting, null, ct);
        return new ModelRegistry(store, artifacts);
    }

    /// <summary>
    /// Validates the folder as a loadable model, stores its files as artifacts, then adds version latest+1 of
    /// <paramref name="name"/> in one transaction; a crash before the commit leaves no visible version.
    /// </summary>
    public async Task<ModelVersion> RegisterAsync(string name, string folder, string? runId, string? datasetRef, string actor,
        CancellationToken ct = default)
    {
        ModelName.Validate(name);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Model folder {folder} does not exist.");
        // Loading checks the architecture, every tensor's shape and dtype, and the file sizes before anything is stored.
        // A LightGBM folder (model.txt instead of weights), an ONNX folder (model.onnx) or an ensemble folder is checked by its
        // model.json here; their predictor kinds check the trees, the graph or the members when they load them (the registry
        // never links LightGBM or ONNX Runtime).
        var spec = IsTreeFolder(folder) || IsOnnxFolder(folder)
            ? ModelSpec.FromJson(await File.ReadAllTextAsync(Path.Combine(folder, ModelFile.SpecFileName), ct), Path.Combine(folder, ModelFile.SpecFileName))
            : ModelFile.Load(folder).Spec;
        string hash = await Packages.StoreAsync(folder, ct);
        var description = await Packages.DescribeAsync(hash, ct);
        string metrics = JsonSerializer.Serialize(spec.Metrics);
        return await Store.RegisterModelVersionAsync(new NewModelVersion(name, hash, description.ArchitectureSummary, metrics,
            runId, datasetRef, description.SignatureJson, actor), ct);
    }

    private static bool IsOnnxFolder(string folder) =>
        !File.Exists(Path.Combine(folder, ModelFile.WeightsFileName)) && File.Exists(Path.Combine(folder, ModelFolderScanner.OnnxModelFile));

    private static bool IsTreeFolder(string folder) =>
        !File.Exists(Path.Combine(folder, ModelFile.WeightsFileName))
        && (File.Exists(Path.Combine(folder, ModelFolderScanner.TreeModelFile)) || File.Exists(Path.Combine(folder, ModelFolderScanner.EnsembleFile)));

    /// <summary>The version a reference names (null for a folder reference); unknown names, versions and aliases are errors.</summary>
    public async Task<ModelVersion?> FindAsync(ModelReference reference, CancellationToken ct = default)
    {
        switch (reference.Kind)
        {
            case ModelReferenceKind.Folder:
                return null;
            case ModelReferenceKind.Latest:
            {
                var model = await Store.GetModelAsync(reference.Name!, ct)
                            ?? throw new KeyNotFoundException($"No model named '{reference.Name}' in the registry; see lepton models list.");
                var versions = await Store.ListModelVersionsAsync(model.Name, ct);
                return versions.Count == 0
                    ? throw new KeyNotFoundException($"Model '{model.Name}' has no versions left; register one with lepton models register.")
                    : versions.MaxBy(v => v.Version);
            }
            case ModelReferenceKind.Version:
                return await Store.GetModelVersionAsync(reference.Name!, reference.Version!.Value, ct)
                       ?? throw new KeyNotFoundException($"Model '{reference.Name}' has no version {reference.Version}; see lepton models show {reference.Name}.");
            default:
            {
                var alias = await Store.GetAliasAsync(reference.Name!, reference.Alias!, ct)
                            ?? throw new KeyNotFoundException($"Model '{reference.Name}' has no alias '{reference.Alias}'; set it with lepton models promote.");
                return await Store.GetModelVersionAsync(reference.Name!, alias.Version, ct)
                       ?? throw new KeyNotFoundException($"Alias {reference} points at a deleted version {alias.Version}.");
            }
        }
    }

    /// <summary>Resolves a reference to a verified model folder (registered versions are materialized from the artifact store).</summary>
    public async Task<ResolvedModel> ResolveAsync(string reference, CancellationToken ct = default)
    {
        var parsed = ModelReference.Parse(reference);
        if (parsed.Kind == ModelReferenceKind.Folder) return new ResolvedModel(null, parsed.FolderPath!);
        var version = (await FindAsync(parsed, ct))!;
        return new ResolvedModel(version, await Packages.MaterializeAsync(version.ArtifactHash, null, ct));
    }

    /// <summary>Points <paramref name="alias"/> (default production) at a version, recording the move.</summary>
    public async Task<AliasRecord> PromoteAsync(string name, int version, string alias, string actor, CancellationToken ct = default)
    {
        ModelName.Validate(name);
        ModelName.Validate(alias, "alias");
        if (int.TryParse(alias, out _)) throw new ArgumentException($"Alias '{alias}' is a number, which would read as a version; use a name such as production.");
        _ = await Store.GetModelVersionAsync(name, version, ct)
            ?? throw new KeyNotFoundException($"Model '{name}' has no version {version}; see lepton models show {name}.");
        return await Store.SetAliasAsync(name, alias, version, actor, ct);
    }

    public Task<AliasRecord> RollbackAsync(string name, string alias, string actor, CancellationToken ct = default)
    {
        ModelName.Validate(name);
        ModelName.Validate(alias, "alias");
        return Store.RollbackAliasAsync(name, alias, actor, ct);
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
