using Lepton.Data.Images.Splits;
using Lepton.Data.Text;
using Lepton.Data.Text.Import;
using Lepton.Data.Text.Inspection;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Datasets.Text;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Artifacts;

namespace Lepton.Registry.Tests.Datasets;

/// <summary>
/// Text data set versions end to end on SQLite and a file artifact store: identity by content and options, new versions
/// with parents, texts loaded from the verified blob, derived versions by clean and split, and refusals that record nothing.
/// </summary>
public sealed class TextDatasetsTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private IRegistryStore _store = null!;
    private FileArtifactStore _artifacts = null!;

    private string Texts => _temp.Sub("texts");

    public async Task InitializeAsync()
    {
        _store = await RegistryStoreFactory.OpenAsync($"sqlite:{_temp.Sub("registry.db")}");
        _artifacts = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("artifacts")));
        Write("ham/1.txt", "Lunch at noon? 午饭见。");
        Write("ham/2.txt", "The report is attached.");
        Write("spam/1.eml", "From: win@example.com\nSubject: Prize\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nWW91IHdvbiEg8J+OiQ==\n");
        Write("spam/2.txt", "The report is attached.");
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(Texts, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private Task<TextImportResult> Import(string? path = null, TextImportOptions? options = null, CancellationToken ct = default) =>
        TextDatasets.ImportAsync(_store, _artifacts, path ?? Texts, "mail", options ?? new TextImportOptions(), null, "tester", ct, _temp.Sub("tmp"));

    [Fact]
    public async Task Import_SameFolderTwice_ReturnsTheSameVersion()
    {
        var first = await Import();
        var second = await Import();
        Assert.Equal((1, false), (first.Version.Version, first.Existing));
        Assert.Equal((1, true), (second.Version.Version, second.Existing));
        Assert.Equal(first.Manifest.ContentHash(), first.Version.ContentHash);
        Assert.True(TextDatasetSummary.IsTextVersion(first.Version));
        Assert.Contains("\"kind\":\"text\"", first.Version.SchemaJson);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Sub("tmp")));
    }

    [Fact]
    public async Task Import_ChangedFileOrOptions_RecordsTheNextVersionWithItsParent()
    {
        await Import();
        Write("ham/2.txt", "The report is attached, v2.");
        var changed = await Import();
        Assert.Equal((2, 1), (changed.Version.Version, changed.Version.ParentVersion));
        var kept = await Import(options: new TextImportOptions(KeepEmailHeaders: true));
        Assert.Equal((3, 2), (kept.Version.Version, kept.Version.ParentVersion));
    }

    [Fact]
    public async Task Diff_ChangedAndMovedFiles_AreChangedContentAndRelabelled()
    {
        var first = await Import();
        Write("ham/1.txt", "Lunch at one instead.");
        Directory.CreateDirectory(Path.Combine(Texts, "spam"));
        File.Move(Path.Combine(Texts, "ham", "2.txt"), Path.Combine(Texts, "spam", "moved.txt"));
        var second = await Import();
        var diff = TextDatasets.Diff(first.Manifest, second.Manifest);
        Assert.Equal(
            [(ImageChangeKind.Relabelled, "spam/moved.txt", "ham", "spam"), (ImageChangeKind.ChangedContent, "ham/1.txt", "ham", "ham")],
            diff.Changes.Select(c => (c.Kind, c.Path, c.OldLabel, c.NewLabel)));
    }

    [Fact]
    public async Task Load_Version_GivesTheImportedTexts()
    {
        await Import();
        var corpus = await TextDatasets.LoadAsync(_store, _artifacts, DatasetReference.Parse("mail@1"));
        var texts = corpus.Texts().ToDictionary(x => x.Item.Path, x => x.Text);
        Assert.Equal("Lunch at noon? 午饭见。", texts["ham/1.txt"]);
        Assert.Equal("You won! 🎉", texts["spam/1.eml"]);
        Assert.Equal(["ham", "spam"], corpus.Manifest.Classes);
    }

    [Fact]
    public async Task SplitAndClean_DerivedVersions_ShareTheBlobAndRecordTheirParent()
    {
        var imported = await Import();
        var split = TextSplitter.Split(imported.Manifest, new SplitOptions(Test: 0.5, Seed: 3));
        var splitVersion = await TextDatasets.RecordDerivedAsync(_store, _artifacts, "mail", 1, split.Manifest, "split", "tester");
        Assert.Equal((2, 1), (splitVersion.Version, splitVersion.ParentVersion));
        var corpus = await TextDatasets.LoadAsync(_artifacts, splitVersion);
        Assert.All(corpus.Manifest.Items, i => Assert.NotNull(i.Split));
        var report = TextDatasetInspector.Inspect(corpus);
        Assert.Contains(report.Findings, f => f.Kind == TextInspectionKinds.ConflictingLabels);
        var cleaned = TextDatasetCleaner.Clean(corpus.Manifest, report, TextInspectionKinds.Parse("conflicting-labels"));
        var cleanVersion = await TextDatasets.RecordDerivedAsync(_store, _artifacts, "mail", 2, cleaned.Manifest, "clean", "tester");
        Assert.Equal((3, 2, 2), (cleanVersion.Version, cleanVersion.ParentVersion, cleaned.Manifest.Items.Count));
        Assert.Equal(imported.Manifest.Blob, cleaned.Manifest.Blob);
        Assert.Equal(splitVersion.Version, (await TextDatasets.RecordDerivedAsync(_store, _artifacts, "mail", 1, split.Manifest, "again", "tester")).Version);
    }

    [Fact]
    public async Task Import_RefusedTable_RecordsNothing()
    {
        var table = _temp.Sub("bad.jsonl");
        File.WriteAllText(table, "{\"text\": \"ok\", \"label\": \"a\"}\nnot json\n");
        await Assert.ThrowsAsync<TextImportException>(() => Import(table, new TextImportOptions(TextColumn: "text", LabelColumns: ["label"])));
        Assert.Empty(await _store.ListDatasetVersionsAsync());
        Assert.Empty(await _artifacts.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task Import_Cancelled_RecordsNoVersion()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Import(ct: cts.Token));
        Assert.Empty(await _store.ListDatasetVersionsAsync());
    }
}
