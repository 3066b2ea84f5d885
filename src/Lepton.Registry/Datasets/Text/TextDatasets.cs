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
    private static readonly BlobDatasetKind<TextManifest> Kind = new("text", "texts", TextDatasetSummary.IsTextVersion, TextDatasetSummary.ManifestArtifact,
        json => TextManifest.FromJson(json), m => m.ToJson(), m => m.ContentHash(), m => m.Blob, m => m.Recipe, (m, blob) => m with { Blob = blob },
        (m, artifact, source, layout, note, parent) => TextDatasetSummary.Manifest(m, artifact, source, layout, note, parent), TextDatasetSummary.Schema, TextDatasetSummary.Statistics);

    /// <summary>
    /// Reads <paramref name="path"/> and imports it as a version of <paramref name="name"/>. Nothing is recorded until every
    /// item is read and the blob stored; a refusal or a cancellation records nothing and leaves no temporary file.
    /// </summary>
    public static async Task<TextImportResult> ImportAsync(IRegistryStore store, IArtifactStore artifacts, string path, string name,
        TextImportOptions options, IProgress<ImportProgress>? progress, string actor, CancellationToken ct = default, string? tempFolder = null)
    {
        StoreNames.Check(name, "dataset");
        options.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<string> skipped = [];
        var (version, manifest, existing) = await BlobDatasetVersions.ImportAsync(Kind, store, artifacts, name, temp =>
        {
            var outcome = new TextImporter(options).Import(path, temp, progress, ct);
            skipped = outcome.Skipped;
            return new BlobImport<TextManifest>(outcome.Manifest, outcome.BlobFile, outcome.Source, outcome.Layout);
        }, tempFolder, actor, ct);
        return new TextImportResult(version, manifest, existing, skipped, clock.Elapsed);
    }

    /// <summary>Loads a version named by a reference (<c>name</c> or <c>name@3</c>) with its texts.</summary>
    public static async Task<TextCorpus> LoadAsync(IRegistryStore store, IArtifactStore artifacts, DatasetReference reference, CancellationToken ct = default) =>
        await LoadAsync(artifacts, await reference.ResolveAsync(store, ct), ct);

    /// <summary>Loads a version's manifest and its verified blob; a version not made by this modality's import is an error.</summary>
    public static async Task<TextCorpus> LoadAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default)
    {
        var manifest = await ReadManifestAsync(artifacts, version, ct);
        return new TextCorpus(manifest, await artifacts.ReadAsync(manifest.Blob, ct));
    }

    /// <summary>The full manifest of a version, read from its verified artifact.</summary>
    public static Task<TextManifest> ReadManifestAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default) =>
        BlobDatasetVersions.ReadManifestAsync(Kind, artifacts, version, ct);

    /// <summary>
    /// Records <paramref name="manifest"/> (a cleaned or re-split copy of version <paramref name="parentVersion"/>'s items,
    /// pointing at its blob) as a new version whose parent is that version. The same content as an existing version returns it.
    /// </summary>
    public static Task<DatasetVersion> RecordDerivedAsync(IRegistryStore store, IArtifactStore artifacts, string name, int parentVersion,
        TextManifest manifest, string note, string actor, CancellationToken ct = default) =>
        BlobDatasetVersions.RecordDerivedAsync(Kind, store, artifacts, name, parentVersion, manifest, note, actor, ct);

    /// <summary>
    /// What changed from <paramref name="a"/> to <paramref name="b"/>, by the image diff's rules (items matched by path, then by
    /// content hash, so a file moved to another class folder is one relabelled item); a multi-label item's label is its
    /// labels joined by '|'.
    /// </summary>
    public static ImageDatasetDiff Diff(TextManifest a, TextManifest b) => ImageDatasetDiff.Between(AsImageItems(a), AsImageItems(b));

    private static ImageManifest AsImageItems(TextManifest m) => new(
        [.. m.Items.Select(i => new ImageItem(i.Path, i.Sha256, i.Size, i.Labels.Count == 0 ? null : string.Join("|", i.Labels), i.Split, i.Group, i.Fold))],
        m.Classes, new ImagePixels(0, 0, 0, "none", []));
}
