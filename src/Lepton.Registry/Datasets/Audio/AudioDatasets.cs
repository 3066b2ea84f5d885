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
    private static readonly BlobDatasetKind<AudioManifest> Kind = new("audio", "clips", AudioDatasetSummary.IsAudioVersion, AudioDatasetSummary.ManifestArtifact,
        json => AudioManifest.FromJson(json), m => m.ToJson(), m => m.ContentHash(), m => m.Blob, m => m.Recipe, (m, blob) => m with { Blob = blob },
        (m, artifact, source, layout, note, parent) => AudioDatasetSummary.Manifest(m, artifact, source, layout, note, parent), AudioDatasetSummary.Schema, AudioDatasetSummary.Statistics);

    /// <summary>
    /// Reads <paramref name="path"/> and imports it as a version of <paramref name="name"/>. Nothing is recorded until every
    /// item is read and the blob stored; a refusal or a cancellation records nothing and leaves no temporary file.
    /// </summary>
    public static async Task<AudioImportResult> ImportAsync(IRegistryStore store, IArtifactStore artifacts, string path, string name,
        AudioImportOptions options, IProgress<ImportProgress>? progress, string actor, CancellationToken ct = default, string? tempFolder = null)
    {
        StoreNames.Check(name, "dataset");
        options.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<string> skipped = [];
        var (version, manifest, existing) = await BlobDatasetVersions.ImportAsync(Kind, store, artifacts, name, temp =>
        {
            var outcome = new AudioImporter(options).Import(path, temp, progress, ct);
            skipped = outcome.Skipped;
            return new BlobImport<AudioManifest>(outcome.Manifest, outcome.BlobFile, outcome.Source, outcome.Layout);
        }, tempFolder, actor, ct);
        return new AudioImportResult(version, manifest, existing, skipped, clock.Elapsed);
    }

    /// <summary>Loads a version named by a reference (<c>name</c> or <c>name@3</c>) with its clips.</summary>
    public static async Task<AudioCorpus> LoadAsync(IRegistryStore store, IArtifactStore artifacts, DatasetReference reference, CancellationToken ct = default) =>
        await LoadAsync(artifacts, await reference.ResolveAsync(store, ct), ct);

    /// <summary>Loads a version's manifest and its verified blob; a version not made by this modality's import is an error.</summary>
    public static async Task<AudioCorpus> LoadAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default)
    {
        var manifest = await ReadManifestAsync(artifacts, version, ct);
        return new AudioCorpus(manifest, await artifacts.ReadAsync(manifest.Blob, ct));
    }

    /// <summary>The full manifest of a version, read from its verified artifact.</summary>
    public static Task<AudioManifest> ReadManifestAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default) =>
        BlobDatasetVersions.ReadManifestAsync(Kind, artifacts, version, ct);

    /// <summary>
    /// Records <paramref name="manifest"/> (a cleaned or re-split copy of version <paramref name="parentVersion"/>'s items,
    /// pointing at its blob) as a new version whose parent is that version. The same content as an existing version returns it.
    /// </summary>
    public static Task<DatasetVersion> RecordDerivedAsync(IRegistryStore store, IArtifactStore artifacts, string name, int parentVersion,
        AudioManifest manifest, string note, string actor, CancellationToken ct = default) =>
        BlobDatasetVersions.RecordDerivedAsync(Kind, store, artifacts, name, parentVersion, manifest, note, actor, ct);

    /// <summary>
    /// What changed from <paramref name="a"/> to <paramref name="b"/>, by the image diff's rules (items matched by path, then by
    /// content hash, so a file moved to another command folder is one relabelled item).
    /// </summary>
    public static ImageDatasetDiff Diff(AudioManifest a, AudioManifest b) => ImageDatasetDiff.Between(AsImageItems(a), AsImageItems(b));

    private static ImageManifest AsImageItems(AudioManifest m) => new(
        [.. m.Items.Select(i => new ImageItem(i.Path, i.Sha256, i.Size, i.Label, i.Split, i.Group, i.Fold))],
        m.Classes, new ImagePixels(0, 0, 0, "none", []));
}
