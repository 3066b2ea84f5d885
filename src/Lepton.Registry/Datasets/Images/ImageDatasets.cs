using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Registry.Artifacts;
using Lepton.Registry.References;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Images;

/// <summary>What an import recorded: the version (an existing one when nothing changed), its manifest, what the scan skipped, and the work done.</summary>
public sealed record ImageImportResult(DatasetVersion Version, ImageManifest Manifest, bool Existing, ImageScan Scan, int Decoded, int Reused);

/// <summary>A loaded image data set version: its record, manifest and pixels (dispose to close the shard files).</summary>
public sealed record ImageDatasetVersion(DatasetVersion Version, ImageManifest Manifest, ShardedImagePixelSource Pixels) : IDisposable
{
    public void Dispose() => Pixels.Dispose();
}

/// <summary>
/// Image data set versions in the registry: import a folder or manifest (the same content gives the same version, a change
/// gives version+1 with its parent), load a version's manifest and pixels, record versions derived by cleaning or
/// splitting (sharing the parent's shards), and diff two versions.
/// </summary>
public static class ImageDatasets
{
    /// <summary>
    /// Scans and imports <paramref name="path"/> as a version of <paramref name="name"/>. Nothing is recorded until every
    /// file is read and every shard stored; a refusal or a cancellation records nothing and leaves no temporary file.
    /// </summary>
    public static async Task<ImageImportResult> ImportAsync(IRegistryStore store, IArtifactStore artifacts, string path, string name,
        ImageImportOptions options, IProgress<ImportProgress>? progress, string actor, CancellationToken ct = default, ShardCache? cache = null)
    {
        StoreNames.Check(name, "dataset");
        options.Validate();
        cache ??= new ShardCache(artifacts);
        var scan = await Task.Run(() => ImageFolderScanner.Scan(path, new ImageScanOptions(options.MaxFiles), ct), ct);
        var importer = new ImageImporter(options);
        var plan = await Task.Run(() => importer.Plan(scan, progress, ct), ct);
        string contentHash = plan.ContentHash();
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        var images = existing.Where(ImageDatasetSummary.IsImageVersion).ToList();
        if (existing.Count > 0 && images.Count == 0)
            throw new InvalidOperationException($"Dataset '{name}' holds versions that are not image data sets; import under another name.");
        foreach (var same in images.Where(v => v.ContentHash == contentHash).OrderByDescending(v => v.Version))
        {
            var manifest = await ReadManifestAsync(artifacts, same, ct);
            if (plan.SameLayout(manifest.Pixels)) return new ImageImportResult(same, manifest, true, scan, 0, 0);
        }

        ImageDatasetVersion? previous = null;
        try
        {
            if (images.Count > 0) previous = await LoadAsync(store, artifacts, images.MaxBy(v => v.Version)!, cache, ct);
            var reuse = previous is not null && plan.SameLayout(previous.Manifest.Pixels) ? ImagePixelReuse.From(previous.Manifest, previous.Pixels) : null;
            string temp = Path.Combine(cache.Folder, ".import-" + Guid.NewGuid().ToString("N"));
            var outcome = await importer.DecodeAsync(plan, temp, (file, token) => cache.StoreAsync(file, token), reuse, progress, ct);
            ct.ThrowIfCancellationRequested();
            string manifestHash = await PutAsync(artifacts, outcome.Manifest.ToJson(), ct);
            var version = await store.AddDatasetVersionAsync(name, contentHash,
                ImageDatasetSummary.Manifest(outcome.Manifest, manifestHash, scan.Root, LayoutName(scan.Layout)),
                ImageDatasetSummary.Schema(outcome.Manifest), ImageDatasetSummary.Statistics(outcome.Manifest, outcome.TrainPixels),
                existing.Count == 0 ? null : existing.Max(v => v.Version), actor, ct);
            return new ImageImportResult(version, outcome.Manifest, false, scan, outcome.Decoded, outcome.Reused);
        }
        finally
        {
            previous?.Dispose();
        }
    }

    /// <summary>Loads a version named by a reference (<c>name</c> or <c>name@3</c>).</summary>
    public static async Task<ImageDatasetVersion> LoadAsync(IRegistryStore store, IArtifactStore artifacts, DatasetReference reference,
        ShardCache? cache = null, CancellationToken ct = default) =>
        await LoadAsync(store, artifacts, await reference.ResolveAsync(store, ct), cache, ct);

    /// <summary>Loads a version's manifest and materializes its shards; a version not made by an image import is an error.</summary>
    public static async Task<ImageDatasetVersion> LoadAsync(IRegistryStore store, IArtifactStore artifacts, DatasetVersion version,
        ShardCache? cache = null, CancellationToken ct = default)
    {
        cache ??= new ShardCache(artifacts);
        var manifest = await ReadManifestAsync(artifacts, version, ct);
        var files = new List<string>();
        foreach (var shard in manifest.Pixels.Shards) files.Add(await cache.MaterializeAsync(shard, ct));
        return new ImageDatasetVersion(version, manifest, new ShardedImagePixelSource(manifest.Pixels, files));
    }

    /// <summary>The full manifest of an image version, read from its verified artifact.</summary>
    public static async Task<ImageManifest> ReadManifestAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default)
    {
        var bytes = await artifacts.ReadAsync(ImageDatasetSummary.ManifestArtifact(version), ct);
        return ImageManifest.FromJson(bytes);
    }

    /// <summary>
    /// Records <paramref name="manifest"/> (a cleaned or re-split copy of version <paramref name="parentVersion"/>'s items,
    /// pointing at its shards) as a new version whose parent is that version. The same content as an existing version returns it.
    /// </summary>
    public static async Task<DatasetVersion> RecordDerivedAsync(IRegistryStore store, IArtifactStore artifacts, string name, int parentVersion,
        ImageManifest manifest, string note, string actor, CancellationToken ct = default, ShardCache? cache = null)
    {
        var parent = await store.GetDatasetVersionAsync(name, parentVersion, ct)
                     ?? throw new KeyNotFoundException($"Dataset '{name}' has no version {parentVersion}; see lepton data list {name}.");
        var parentManifest = await ReadManifestAsync(artifacts, parent, ct);
        if (parentManifest.Pixels is var pp && (pp.Width, pp.Height, pp.Channels, pp.Resize) != (manifest.Pixels.Width, manifest.Pixels.Height, manifest.Pixels.Channels, manifest.Pixels.Resize))
            throw new InvalidDataException($"A version derived from {name}@{parentVersion} keeps its pixel layout ({parentManifest.Pixels.Width}x{parentManifest.Pixels.Height}x{parentManifest.Pixels.Channels}, {parentManifest.Pixels.Resize}); re-import to change it.");
        cache ??= new ShardCache(artifacts);
        string contentHash = manifest.ContentHash();
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        foreach (var same in existing.Where(v => v.ContentHash == contentHash && ImageDatasetSummary.IsImageVersion(v)))
            if ((await ReadManifestAsync(artifacts, same, ct)).Pixels.Shards.SequenceEqual(manifest.Pixels.Shards)) return same;
        // Statistics over the derived version's own training pixels: a clean or a new split changes them.
        var sums = new ChannelSums(manifest.Pixels.Channels);
        bool all = manifest.Items.All(i => i.Split is null);
        var buffer = new byte[manifest.Pixels.ImageBytes];
        using (var pixels = new ShardedImagePixelSource(manifest.Pixels, [.. await Task.WhenAll(manifest.Pixels.Shards.Select(s => cache.MaterializeAsync(s, ct)))]))
        {
            foreach (var item in manifest.Items.Where(i => i.IsReadable && (all || i.Split == ImageSplits.Train)))
            {
                pixels.Read(item, buffer);
                sums.Add(buffer);
            }
        }
        string manifestHash = await PutAsync(artifacts, manifest.ToJson(), ct);
        string source;
        string layout;
        using (var doc = System.Text.Json.JsonDocument.Parse(parent.ManifestJson))
        {
            source = doc.RootElement.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "";
            layout = doc.RootElement.TryGetProperty("layout", out var l) ? l.GetString() ?? "" : "";
        }
        return await store.AddDatasetVersionAsync(name, contentHash, ImageDatasetSummary.Manifest(manifest, manifestHash, source, layout, note, parentVersion),
            ImageDatasetSummary.Schema(manifest), ImageDatasetSummary.Statistics(manifest, sums), parentVersion, actor, ct);
    }

    /// <summary>What changed from <paramref name="a"/> to <paramref name="b"/> (see <see cref="ImageDatasetDiff"/>).</summary>
    public static ImageDatasetDiff Diff(ImageManifest a, ImageManifest b) => ImageDatasetDiff.Between(a, b);

    private static string LayoutName(ImageFolderLayout layout) => layout switch
    {
        ImageFolderLayout.ClassFolders => "class-folders",
        ImageFolderLayout.KerasSplits => "keras-splits",
        _ => "manifest",
    };

    private static async Task<string> PutAsync(IArtifactStore artifacts, byte[] bytes, CancellationToken ct)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return await artifacts.PutAsync(stream, ct);
    }
}
