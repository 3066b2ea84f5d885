using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets;

/// <summary>
/// How one modality whose version is a manifest plus one content-addressed blob (texts, audio clips) reads and writes its
/// manifest and summary JSON; <see cref="BlobDatasetVersions"/> does the rest the same way for all of them.
/// </summary>
/// <param name="Noun">For errors: <c>text</c>, <c>audio</c>.</param>
/// <param name="ItemsNoun">For errors: what the blob holds, <c>texts</c>, <c>clips</c>.</param>
internal sealed record BlobDatasetKind<TManifest>(
    string Noun,
    string ItemsNoun,
    Func<DatasetVersion, bool> IsVersion,
    Func<DatasetVersion, string> ManifestArtifact,
    Func<byte[], TManifest> FromJson,
    Func<TManifest, byte[]> ToJson,
    Func<TManifest, string> ContentHash,
    Func<TManifest, string> Blob,
    Func<TManifest, string> Recipe,
    Func<TManifest, string, TManifest> WithBlob,
    Func<TManifest, string, string, string, string?, int?, string> Summary,
    Func<TManifest, string> Schema,
    Func<TManifest, string> Statistics);

/// <summary>What the importer of a blob modality produced: the manifest (blob not yet stored), the blob file, and where it came from.</summary>
internal sealed record BlobImport<TManifest>(TManifest Manifest, string BlobFile, string Source, string Layout);

/// <summary>
/// Versions of a blob modality in the registry: import (nothing recorded until the blob is stored; the same content gives
/// the same version, a change version+1 with its parent), read a manifest, and record versions derived by cleaning or
/// splitting that share the parent's blob.
/// </summary>
internal static class BlobDatasetVersions
{
    /// <summary>Runs <paramref name="import"/> into a temporary blob file and records its version (or finds the same one).</summary>
    public static async Task<(DatasetVersion Version, TManifest Manifest, bool Existing)> ImportAsync<TManifest>(BlobDatasetKind<TManifest> kind,
        IRegistryStore store, IArtifactStore artifacts, string name, Func<string, BlobImport<TManifest>> import, string? tempFolder, string actor,
        CancellationToken ct)
    {
        StoreNames.Check(name, "dataset");
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        var same = existing.Where(kind.IsVersion).ToList();
        if (existing.Count > 0 && same.Count == 0)
            throw new InvalidOperationException($"Dataset '{name}' holds versions that are not {kind.Noun} data sets; import under another name.");
        string temp = Path.Combine(tempFolder ?? Path.Combine(LeptonHome.Resolve(), "cache", "shards"), $".{kind.Noun}-import-" + Guid.NewGuid().ToString("N"));
        try
        {
            var outcome = await Task.Run(() => import(temp), ct);
            string contentHash = kind.ContentHash(outcome.Manifest);
            foreach (var v in same.Where(v => v.ContentHash == contentHash).OrderByDescending(v => v.Version))
                return (v, await ReadManifestAsync(kind, artifacts, v, ct), true);
            ct.ThrowIfCancellationRequested();
            string blob;
            await using (var input = new FileStream(outcome.BlobFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
                blob = await artifacts.PutAsync(input, ct);
            var manifest = kind.WithBlob(outcome.Manifest, blob);
            string manifestHash = await PutAsync(artifacts, kind.ToJson(manifest), ct);
            var version = await store.AddDatasetVersionAsync(name, contentHash, kind.Summary(manifest, manifestHash, outcome.Source, outcome.Layout, null, null),
                kind.Schema(manifest), kind.Statistics(manifest), existing.Count == 0 ? null : existing.Max(v => v.Version), actor, ct);
            return (version, manifest, false);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The full manifest of a version, read from its verified artifact.</summary>
    public static async Task<TManifest> ReadManifestAsync<TManifest>(BlobDatasetKind<TManifest> kind, IArtifactStore artifacts, DatasetVersion version,
        CancellationToken ct) =>
        kind.FromJson(await artifacts.ReadAsync(kind.ManifestArtifact(version), ct));

    /// <summary>Records a cleaned or re-split copy of a version's items (same blob and recipe) as a new version with that parent.</summary>
    public static async Task<DatasetVersion> RecordDerivedAsync<TManifest>(BlobDatasetKind<TManifest> kind, IRegistryStore store, IArtifactStore artifacts,
        string name, int parentVersion, TManifest manifest, string note, string actor, CancellationToken ct)
    {
        var parent = await store.GetDatasetVersionAsync(name, parentVersion, ct)
                     ?? throw new KeyNotFoundException($"Dataset '{name}' has no version {parentVersion}; see lepton data list {name}.");
        var parentManifest = await ReadManifestAsync(kind, artifacts, parent, ct);
        if (kind.Blob(parentManifest) != kind.Blob(manifest) || kind.Recipe(parentManifest) != kind.Recipe(manifest))
            throw new InvalidDataException(
                $"A version derived from {name}@{parentVersion} keeps its {kind.ItemsNoun} (blob {kind.Blob(parentManifest)[..12]}, recipe {kind.Recipe(parentManifest)}); re-import to change them.");
        string contentHash = kind.ContentHash(manifest);
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        if (existing.FirstOrDefault(v => v.ContentHash == contentHash && kind.IsVersion(v)) is { } same) return same;
        string manifestHash = await PutAsync(artifacts, kind.ToJson(manifest), ct);
        string source, layout;
        using (var doc = System.Text.Json.JsonDocument.Parse(parent.ManifestJson))
        {
            source = doc.RootElement.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "";
            layout = doc.RootElement.TryGetProperty("layout", out var l) ? l.GetString() ?? "" : "";
        }
        return await store.AddDatasetVersionAsync(name, contentHash, kind.Summary(manifest, manifestHash, source, layout, note, parentVersion),
            kind.Schema(manifest), kind.Statistics(manifest), parentVersion, actor, ct);
    }

    private static async Task<string> PutAsync(IArtifactStore artifacts, byte[] bytes, CancellationToken ct)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return await artifacts.PutAsync(stream, ct);
    }
}
