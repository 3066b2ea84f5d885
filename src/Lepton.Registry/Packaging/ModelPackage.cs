using System.Text;
using Lepton.NN.Serialization;
using Lepton.Registry.Artifacts;

namespace Lepton.Registry.Packaging;

/// <summary>
/// Stores a model folder as content-addressed blobs plus a manifest blob, and recreates verified folders from a
/// manifest hash. The manifest hash is what a model version records as its artifact.
/// </summary>
public sealed class ModelPackage(IArtifactStore store, ModelPackageOptions? options = null)
{
    private readonly ModelPackageOptions _options = options ?? new ModelPackageOptions();

    public IArtifactStore Store => store;

    /// <summary>Stores every file of <paramref name="folder"/> and its manifest; returns the manifest hash.</summary>
    public async Task<string> StoreAsync(string folder, CancellationToken ct = default)
    {
        var files = ModelFolderScanner.Scan(folder, _options);
        var spec = files.Single(f => f.RelativePath == ModelFile.SpecFileName).File;
        // Fails early, with the model.json error, for a folder that could never be loaded.
        ModelSpec.FromJson(await File.ReadAllTextAsync(spec.FullName, ct), spec.FullName);
        var entries = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var (relative, file) in files)
        {
            await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            var hash = await store.PutAsync(stream, ct);
            entries[relative] = new ManifestFile(hash, stream.Position);
        }
        var manifest = new ModelManifest(entries);
        using var json = new MemoryStream(Encoding.UTF8.GetBytes(manifest.ToJson()));
        return await store.PutAsync(json, ct);
    }

    /// <summary>The verified manifest stored under <paramref name="manifestHash"/>.</summary>
    public async Task<ModelManifest> ReadManifestAsync(string manifestHash, CancellationToken ct = default)
    {
        var bytes = await store.ReadAsync(manifestHash, ct);
        return ModelManifest.Parse(Encoding.UTF8.GetString(bytes), manifestHash);
    }

    /// <summary>The model.json of a stored model.</summary>
    public async Task<ModelSpec> ReadSpecAsync(string manifestHash, CancellationToken ct = default)
    {
        var manifest = await ReadManifestAsync(manifestHash, ct);
        if (!manifest.Files.TryGetValue(ModelFile.SpecFileName, out var spec))
            throw new InvalidDataException($"Model manifest {manifestHash} lists no {ModelFile.SpecFileName}.");
        var bytes = await store.ReadAsync(spec.Sha256, ct);
        return ModelSpec.FromJson(Encoding.UTF8.GetString(bytes), $"{ModelFile.SpecFileName} of {manifestHash}");
    }

    /// <summary>Signature and architecture summary of a stored model, as a model version records them.</summary>
    public async Task<ModelDescription> DescribeAsync(string manifestHash, CancellationToken ct = default) =>
        ModelDescription.FromSpec(await ReadSpecAsync(manifestHash, ct));

    /// <summary>
    /// A verified copy of the model folder: <paramref name="targetDir"/> when given (it must not exist yet), else the
    /// shared cache <c>LEPTON_HOME/cache/models/HASH</c>, which is reused when its files still match the manifest.
    /// The folder appears whole or not at all (built beside it, then renamed).
    /// </summary>
    public async Task<string> MaterializeAsync(string manifestHash, string? targetDir = null, CancellationToken ct = default)
    {
        ArtifactHash.Validate(manifestHash);
        var manifest = await ReadManifestAsync(manifestHash, ct);
        bool cached = targetDir is null;
        var target = Path.GetFullPath(targetDir ?? Path.Combine(_options.ResolvedCacheRoot, manifestHash));
        if (Directory.Exists(target))
        {
            if (!cached) throw new IOException($"{target} already exists; choose a new folder or delete it first.");
            if (await MaterializedFolder.MatchesAsync(target, manifest, ct)) return target;
            Directory.Delete(target, recursive: true); // a damaged cache entry is rebuilt from the verified store
        }
        var parent = Path.GetDirectoryName(target)!;
        DurableFileSystem.EnsureDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await MaterializedFolder.WriteAsync(store, manifest, temp, ct);
            try
            {
                Directory.Move(temp, target);
            }
            catch (IOException) when (cached && Directory.Exists(target))
            {
                // Another process finished the same cache entry first; its copy came from the same verified blobs.
                Directory.Delete(temp, recursive: true);
                return target;
            }
            DurableFileSystem.SyncDirectory(parent);
            return target;
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }
}
