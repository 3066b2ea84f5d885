using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Data.Audio;
using Lepton.Data.Audio.Import;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Audio;

/// <summary>What an audio import recorded: the version (an existing one when nothing changed), its manifest and what was skipped.</summary>
public sealed record AudioImportResult(DatasetVersion Version, AudioManifest Manifest, bool Existing, IReadOnlyList<string> Skipped, TimeSpan Elapsed);

/// <summary>
/// Audio data set versions in the registry: import a folder or table (the same content and options give the same version,
/// a change gives version+1 with its parent), load a version's manifest and clips, and record versions derived by cleaning
/// or splitting (sharing the parent's blob).
/// </summary>
public static class AudioDatasets
{
    /// <summary>
    /// Reads <paramref name="path"/> and imports it as a version of <paramref name="name"/>. Nothing is recorded until every
    /// clip is read and the blob stored; a refusal or a cancellation records nothing and leaves no temporary file.
    /// </summary>
    public static async Task<AudioImportResult> ImportAsync(IRegistryStore store, IArtifactStore artifacts, string path, string name,
        AudioImportOptions options, IProgress<ImportProgress>? progress, string actor, CancellationToken ct = default, string? tempFolder = null)
    {
        StoreNames.Check(name, "dataset");
        options.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        var audio = existing.Where(AudioDatasetSummary.IsAudioVersion).ToList();
        if (existing.Count > 0 && audio.Count == 0)
            throw new InvalidOperationException($"Dataset '{name}' holds versions that are not audio data sets; import under another name.");
        string temp = Path.Combine(tempFolder ?? Path.Combine(LeptonHome.Resolve(), "cache", "shards"), ".audio-import-" + Guid.NewGuid().ToString("N"));
        try
        {
            var outcome = await Task.Run(() => new AudioImporter(options).Import(path, temp, progress, ct), ct);
            string contentHash = outcome.Manifest.ContentHash();
            foreach (var same in audio.Where(v => v.ContentHash == contentHash).OrderByDescending(v => v.Version))
                return new AudioImportResult(same, await ReadManifestAsync(artifacts, same, ct), true, outcome.Skipped, clock.Elapsed);
            ct.ThrowIfCancellationRequested();
            string blob;
            await using (var input = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
                blob = await artifacts.PutAsync(input, ct);
            var manifest = outcome.Manifest with { Blob = blob };
            string manifestHash = await PutAsync(artifacts, manifest.ToJson(), ct);
            var version = await store.AddDatasetVersionAsync(name, contentHash,
                AudioDatasetSummary.Manifest(manifest, manifestHash, outcome.Source, outcome.Layout),
                AudioDatasetSummary.Schema(manifest), AudioDatasetSummary.Statistics(manifest),
                existing.Count == 0 ? null : existing.Max(v => v.Version), actor, ct);
            return new AudioImportResult(version, manifest, false, outcome.Skipped, clock.Elapsed);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Loads a version named by a reference (<c>name</c> or <c>name@3</c>) with its clips.</summary>
    public static async Task<AudioCorpus> LoadAsync(IRegistryStore store, IArtifactStore artifacts, DatasetReference reference, CancellationToken ct = default) =>
        await LoadAsync(artifacts, await reference.ResolveAsync(store, ct), ct);

    /// <summary>Loads a version's manifest and its verified sample blob; a version not made by an audio import is an error.</summary>
    public static async Task<AudioCorpus> LoadAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default)
    {
        var manifest = await ReadManifestAsync(artifacts, version, ct);
        var blob = await artifacts.ReadAsync(manifest.Blob, ct);
        return new AudioCorpus(manifest, blob);
    }

    /// <summary>The full manifest of an audio version, read from its verified artifact.</summary>
    public static async Task<AudioManifest> ReadManifestAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default) =>
        AudioManifest.FromJson(await artifacts.ReadAsync(AudioDatasetSummary.ManifestArtifact(version), ct));

    /// <summary>
    /// Records <paramref name="manifest"/> (a cleaned or re-split copy of version <paramref name="parentVersion"/>'s items,
    /// pointing at its blob) as a new version whose parent is that version. The same content as an existing version returns it.
    /// </summary>
    public static async Task<DatasetVersion> RecordDerivedAsync(IRegistryStore store, IArtifactStore artifacts, string name, int parentVersion,
        AudioManifest manifest, string note, string actor, CancellationToken ct = default)
    {
        var parent = await store.GetDatasetVersionAsync(name, parentVersion, ct)
                     ?? throw new KeyNotFoundException($"Dataset '{name}' has no version {parentVersion}; see lepton data list {name}.");
        var parentManifest = await ReadManifestAsync(artifacts, parent, ct);
        if (parentManifest.Blob != manifest.Blob || parentManifest.Recipe != manifest.Recipe)
            throw new InvalidDataException($"A version derived from {name}@{parentVersion} keeps its clips (blob {parentManifest.Blob[..12]}, recipe {parentManifest.Recipe}); re-import to change them.");
        string contentHash = manifest.ContentHash();
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        if (existing.FirstOrDefault(v => v.ContentHash == contentHash && AudioDatasetSummary.IsAudioVersion(v)) is { } same) return same;
        string manifestHash = await PutAsync(artifacts, manifest.ToJson(), ct);
        string source = "", layout = "";
        using (var doc = System.Text.Json.JsonDocument.Parse(parent.ManifestJson))
        {
            source = doc.RootElement.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "";
            layout = doc.RootElement.TryGetProperty("layout", out var l) ? l.GetString() ?? "" : "";
        }
        return await store.AddDatasetVersionAsync(name, contentHash, AudioDatasetSummary.Manifest(manifest, manifestHash, source, layout, note, parentVersion),
            AudioDatasetSummary.Schema(manifest), AudioDatasetSummary.Statistics(manifest), parentVersion, actor, ct);
    }

    /// <summary>
    /// What changed from <paramref name="a"/> to <paramref name="b"/>, by the image diff's rules (items matched by path, then by
    /// content hash, so a file moved to another command folder is one relabelled item).
    /// </summary>
    public static ImageDatasetDiff Diff(AudioManifest a, AudioManifest b) => ImageDatasetDiff.Between(AsImageItems(a), AsImageItems(b));

    private static ImageManifest AsImageItems(AudioManifest m) => new(
        [.. m.Items.Select(i => new ImageItem(i.Path, i.Sha256, i.Size, i.Label, i.Split, i.Group, i.Fold))],
        m.Classes, new ImagePixels(0, 0, 0, "none", []));

    private static async Task<string> PutAsync(IArtifactStore artifacts, byte[] bytes, CancellationToken ct)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return await artifacts.PutAsync(stream, ct);
    }
}
