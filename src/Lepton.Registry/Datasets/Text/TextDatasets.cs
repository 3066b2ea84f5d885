using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Data.Text;
using Lepton.Data.Text.Import;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Text;

/// <summary>What a text import recorded: the version (an existing one when nothing changed), its manifest and what was skipped.</summary>
public sealed record TextImportResult(DatasetVersion Version, TextManifest Manifest, bool Existing, IReadOnlyList<string> Skipped, TimeSpan Elapsed);

/// <summary>
/// Text data set versions in the registry: import a folder or table (the same content and options give the same version,
/// a change gives version+1 with its parent), load a version's manifest and texts, and record versions derived by cleaning
/// or splitting (sharing the parent's blob).
/// </summary>
public static class TextDatasets
{
    /// <summary>
    /// Reads <paramref name="path"/> and imports it as a version of <paramref name="name"/>. Nothing is recorded until every
    /// text is read and the blob stored; a refusal or a cancellation records nothing and leaves no temporary file.
    /// </summary>
    public static async Task<TextImportResult> ImportAsync(IRegistryStore store, IArtifactStore artifacts, string path, string name,
        TextImportOptions options, IProgress<ImportProgress>? progress, string actor, CancellationToken ct = default, string? tempFolder = null)
    {
        StoreNames.Check(name, "dataset");
        options.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        var texts = existing.Where(TextDatasetSummary.IsTextVersion).ToList();
        if (existing.Count > 0 && texts.Count == 0)
            throw new InvalidOperationException($"Dataset '{name}' holds versions that are not text data sets; import under another name.");
        string temp = Path.Combine(tempFolder ?? Path.Combine(LeptonHome.Resolve(), "cache", "shards"), ".text-import-" + Guid.NewGuid().ToString("N"));
        try
        {
            var outcome = await Task.Run(() => new TextImporter(options).Import(path, temp, progress, ct), ct);
            string contentHash = outcome.Manifest.ContentHash();
            foreach (var same in texts.Where(v => v.ContentHash == contentHash).OrderByDescending(v => v.Version))
                return new TextImportResult(same, await ReadManifestAsync(artifacts, same, ct), true, outcome.Skipped, clock.Elapsed);
            ct.ThrowIfCancellationRequested();
            string blob;
            await using (var input = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
                blob = await artifacts.PutAsync(input, ct);
            var manifest = outcome.Manifest with { Blob = blob };
            string manifestHash = await PutAsync(artifacts, manifest.ToJson(), ct);
            var version = await store.AddDatasetVersionAsync(name, contentHash,
                TextDatasetSummary.Manifest(manifest, manifestHash, outcome.Source, outcome.Layout),
                TextDatasetSummary.Schema(manifest), TextDatasetSummary.Statistics(manifest),
                existing.Count == 0 ? null : existing.Max(v => v.Version), actor, ct);
            return new TextImportResult(version, manifest, false, outcome.Skipped, clock.Elapsed);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Loads a version named by a reference (<c>name</c> or <c>name@3</c>) with its texts.</summary>
    public static async Task<TextCorpus> LoadAsync(IRegistryStore store, IArtifactStore artifacts, DatasetReference reference, CancellationToken ct = default) =>
        await LoadAsync(artifacts, await reference.ResolveAsync(store, ct), ct);

    /// <summary>Loads a version's manifest and its verified text blob; a version not made by a text import is an error.</summary>
    public static async Task<TextCorpus> LoadAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default)
    {
        var manifest = await ReadManifestAsync(artifacts, version, ct);
        var blob = await artifacts.ReadAsync(manifest.Blob, ct);
        return new TextCorpus(manifest, blob);
    }

    /// <summary>The full manifest of a text version, read from its verified artifact.</summary>
    public static async Task<TextManifest> ReadManifestAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default) =>
        TextManifest.FromJson(await artifacts.ReadAsync(TextDatasetSummary.ManifestArtifact(version), ct));

    /// <summary>
    /// Records <paramref name="manifest"/> (a cleaned or re-split copy of version <paramref name="parentVersion"/>'s items,
    /// pointing at its blob) as a new version whose parent is that version. The same content as an existing version returns it.
    /// </summary>
    public static async Task<DatasetVersion> RecordDerivedAsync(IRegistryStore store, IArtifactStore artifacts, string name, int parentVersion,
        TextManifest manifest, string note, string actor, CancellationToken ct = default)
    {
        var parent = await store.GetDatasetVersionAsync(name, parentVersion, ct)
                     ?? throw new KeyNotFoundException($"Dataset '{name}' has no version {parentVersion}; see lepton data list {name}.");
        var parentManifest = await ReadManifestAsync(artifacts, parent, ct);
        if (parentManifest.Blob != manifest.Blob || parentManifest.Recipe != manifest.Recipe)
            throw new InvalidDataException($"A version derived from {name}@{parentVersion} keeps its texts (blob {parentManifest.Blob[..12]}, recipe {parentManifest.Recipe}); re-import to change them.");
        string contentHash = manifest.ContentHash();
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        if (existing.FirstOrDefault(v => v.ContentHash == contentHash && TextDatasetSummary.IsTextVersion(v)) is { } same) return same;
        string manifestHash = await PutAsync(artifacts, manifest.ToJson(), ct);
        string source = "", layout = "";
        using (var doc = System.Text.Json.JsonDocument.Parse(parent.ManifestJson))
        {
            source = doc.RootElement.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "";
            layout = doc.RootElement.TryGetProperty("layout", out var l) ? l.GetString() ?? "" : "";
        }
        return await store.AddDatasetVersionAsync(name, contentHash, TextDatasetSummary.Manifest(manifest, manifestHash, source, layout, note, parentVersion),
            TextDatasetSummary.Schema(manifest), TextDatasetSummary.Statistics(manifest), parentVersion, actor, ct);
    }

    /// <summary>
    /// What changed from <paramref name="a"/> to <paramref name="b"/>, by the image diff's rules (items matched by path, then by
    /// content hash, so a file moved to another class folder is one relabelled item); a multi-label item's label is its
    /// labels joined by '|'.
    /// </summary>
    public static ImageDatasetDiff Diff(TextManifest a, TextManifest b) => ImageDatasetDiff.Between(AsImageItems(a), AsImageItems(b));

    private static ImageManifest AsImageItems(TextManifest m) => new(
        [.. m.Items.Select(i => new ImageItem(i.Path, i.Sha256, i.Size, i.Labels.Count == 0 ? null : string.Join("|", i.Labels), i.Split, i.Group, i.Fold))],
        m.Classes, new ImagePixels(0, 0, 0, "none", []));

    private static async Task<string> PutAsync(IArtifactStore artifacts, byte[] bytes, CancellationToken ct)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return await artifacts.PutAsync(stream, ct);
    }
}
