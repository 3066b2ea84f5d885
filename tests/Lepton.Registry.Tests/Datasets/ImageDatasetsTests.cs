using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Data.Tests.Images.Import;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Artifacts;

namespace Lepton.Registry.Tests.Datasets;

/// <summary>
/// Image data set versions end to end on SQLite and a file artifact store: identity by content, new versions with parents,
/// diffs, pixels loaded from verified local shards, derived versions, and refusals that record nothing.
/// </summary>
public sealed class ImageDatasetsTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private IRegistryStore _store = null!;
    private FileArtifactStore _artifacts = null!;
    private ShardCache _cache = null!;

    private string Images => _temp.Sub("images");

    private static readonly ImageImportOptions Options = new(Width: 12, Height: 10, Workers: 2);

    public async Task InitializeAsync()
    {
        _store = await RegistryStoreFactory.OpenAsync($"sqlite:{_temp.Sub("registry.db")}");
        _artifacts = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("artifacts")));
        _cache = new ShardCache(_artifacts, _temp.Sub("cache"));
        for (int i = 0; i < 4; i++) TestImages.Write(Path.Combine(Images, "cat", $"{i}.png"), 20 + i, 16, i);
        for (int i = 0; i < 3; i++) TestImages.Write(Path.Combine(Images, "dog", $"{i}.jpg"), 18, 22, 10 + i, TestImages.Kind.Jpeg);
        TestImages.Write(Path.Combine(Images, "dog", "gray.png"), 9, 9, 20, gray: true);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    private Task<ImageImportResult> Import(string? path = null, ImageImportOptions? options = null, CancellationToken ct = default) =>
        ImageDatasets.ImportAsync(_store, _artifacts, path ?? Images, "pets", options ?? Options, null, "tester", ct, _cache);

    private async Task<ImageManifest> Manifest(int version) =>
        await ImageDatasets.ReadManifestAsync(_artifacts, (await _store.GetDatasetVersionAsync("pets", version))!);

    [Fact]
    public async Task Import_SameFolderTwice_ReturnsTheSameVersionWithoutDecoding()
    {
        var first = await Import();
        var second = await Import();
        Assert.Equal(1, first.Version.Version);
        Assert.Equal(8, first.Decoded);
        Assert.True(second.Existing);
        Assert.Equal((1, 0), (second.Version.Version, second.Decoded));
        Assert.Single(await _store.ListDatasetVersionsAsync("pets"));
        Assert.Equal(first.Manifest.ContentHash(), first.Version.ContentHash);
    }

    [Fact]
    public async Task Import_ChangedFile_NewVersionWithParentAndDiffListsIt()
    {
        await Import();
        TestImages.Write(Path.Combine(Images, "cat", "1.png"), 21, 16, 99);
        var second = await Import();
        Assert.Equal((2, 1), (second.Version.Version, second.Version.ParentVersion));
        Assert.Equal((1, 7), (second.Decoded, second.Reused));
        var diff = ImageDatasets.Diff(await Manifest(1), await Manifest(2));
        var change = Assert.Single(diff.Changes);
        Assert.Equal((ImageChangeKind.ChangedContent, "cat/1.png"), (change.Kind, change.Path));
    }

    [Fact]
    public async Task Import_FileMovedToAnotherClassFolder_DiffListsItAsRelabelled()
    {
        await Import();
        File.Move(Path.Combine(Images, "cat", "0.png"), Path.Combine(Images, "dog", "0.png"));
        File.Delete(Path.Combine(Images, "dog", "1.jpg"));
        TestImages.Write(Path.Combine(Images, "dog", "new.png"), 8, 8, 50);
        await Import();
        var diff = ImageDatasets.Diff(await Manifest(1), await Manifest(2));
        var relabelled = Assert.Single(diff.Of(ImageChangeKind.Relabelled));
        Assert.Equal(("dog/0.png", "cat/0.png", "cat", "dog"), (relabelled.Path, relabelled.OldPath, relabelled.OldLabel, relabelled.NewLabel));
        Assert.Equal("dog/1.jpg", Assert.Single(diff.Of(ImageChangeKind.Removed)).Path);
        Assert.Equal("dog/new.png", Assert.Single(diff.Of(ImageChangeKind.Added)).Path);
        Assert.Equal(3, diff.Changes.Count);
    }

    [Fact]
    public async Task Load_Version_PixelsEqualTheImportedOnesFromAFreshlyMaterializedCache()
    {
        var imported = await Import();
        Directory.Delete(_cache.Folder, recursive: true);
        using var loaded = await ImageDatasets.LoadAsync(_store, _artifacts, DatasetReference.Parse("pets@1"), _cache);
        Assert.Equal(imported.Manifest.Items.Select(i => i.Sha256), loaded.Manifest.Items.Select(i => i.Sha256));
        Assert.True(File.Exists(_cache.PathOf(loaded.Manifest.Pixels.Shards[0])));
        var gray = loaded.Manifest.Items.Single(i => i.Path == "dog/gray.png");
        Assert.Equal((9, 9, 1, 3), (gray.Width, gray.Height, gray.Channels, loaded.Manifest.Pixels.Channels));
        var hwc = new byte[loaded.Manifest.Pixels.ImageBytes];
        loaded.Pixels.Read(gray, hwc);
        var expected = new byte[hwc.Length];
        var bytes = File.ReadAllBytes(Path.Combine(Images, "dog", "gray.png"));
        ImageFileReader.Decode(bytes, "gray.png", 1_000_000, 3, 12, 10, Data.Images.ResizePolicy.Stretch, expected);
        Assert.Equal(expected, hwc);
        // The schema and statistics the trainer reads.
        Assert.Contains("\"shape\":[3,10,12]", loaded.Version.SchemaJson);
        Assert.Contains("\"mean\":[", loaded.Version.StatisticsJson);
    }

    [Theory]
    [InlineData("../outside.png")]
    [InlineData("/etc/passwd")]
    public async Task Import_HostileManifest_RefusedWithNothingStored(string hostile)
    {
        File.WriteAllText(Path.Combine(Images, "labels.csv"), $"path,label\ncat/0.png,cat\n{hostile},x\n");
        var e = await Assert.ThrowsAsync<ImageImportException>(() => Import(Path.Combine(Images, "labels.csv")));
        Assert.Contains("line 3", e.Message);
        Assert.Empty(await _store.ListDatasetVersionsAsync());
        Assert.Empty(await _artifacts.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task Import_Cancelled_RecordsNoVersion()
    {
        using var cts = new CancellationTokenSource();
        var progress = new CancelOn(cts, "decoding");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ImageDatasets.ImportAsync(_store, _artifacts, Images, "pets", Options with { Workers = 1 }, progress, "tester", cts.Token, _cache));
        Assert.Empty(await _store.ListDatasetVersionsAsync());
        Assert.DoesNotContain(Directory.EnumerateDirectories(_cache.Folder), d => Path.GetFileName(d).StartsWith(".import-", StringComparison.Ordinal));
    }

    private sealed class CancelOn(CancellationTokenSource cts, string stage) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            if (value.Stage == stage) cts.Cancel();
        }
    }

    [Fact]
    public async Task RecordDerived_CleanedManifest_SharesShardsAndLinksTheParent()
    {
        var imported = await Import();
        var cleaned = imported.Manifest with { Items = [.. imported.Manifest.Items.Where(i => i.Label == "cat")] };
        var derived = await ImageDatasets.RecordDerivedAsync(_store, _artifacts, "pets", 1, cleaned, "dropped dogs", "tester", cache: _cache);
        Assert.Equal((2, 1), (derived.Version, derived.ParentVersion));
        using var loaded = await ImageDatasets.LoadAsync(_store, _artifacts, derived, _cache);
        Assert.Equal(imported.Manifest.Pixels.Shards, loaded.Manifest.Pixels.Shards);
        Assert.Equal(4, loaded.Manifest.Items.Count);
        Assert.Equal(4, ImageDatasets.Diff(imported.Manifest, loaded.Manifest).Of(ImageChangeKind.Removed).Count());
    }

    [Fact]
    public async Task Load_NonImageVersion_IsAClearError()
    {
        var v = await DatasetVersions.RecordFilesAsync(_store, "tabular", [Path.Combine(Images, "cat", "0.png")], "{}", "{}", "tester");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ImageDatasets.LoadAsync(_store, _artifacts, v, _cache));
        Assert.Contains("not an image data set", e.Message);
    }

    [Theory]
    [InlineData("pets", "pets", null)]
    [InlineData("pets@3", "pets", 3)]
    public void DatasetReference_ValidText_ParsesNameAndVersion(string text, string name, int? version) =>
        Assert.Equal(new DatasetReference(name, version), DatasetReference.Parse(text));

    [Theory]
    [InlineData("pets@0")]
    [InlineData("pets@x")]
    [InlineData("../pets")]
    [InlineData("")]
    public void DatasetReference_InvalidText_IsAnError(string text) =>
        Assert.ThrowsAny<ArgumentException>(() => DatasetReference.Parse(text));
}
