using System.Text.Json;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Inspection;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Artifacts;

namespace Lepton.Registry.Tests.Datasets.Tables;

/// <summary>
/// Table data set versions end to end on SQLite and a file artifact store: identity by content, new versions with
/// parents, the stored Parquet loaded back, derived (cleaned, split) versions, and refusals that record nothing.
/// </summary>
public sealed class TableDatasetsTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private IRegistryStore _store = null!;
    private FileArtifactStore _artifacts = null!;

    private string Csv => Path.Combine(_temp.Path, "churn.csv");

    public async Task InitializeAsync()
    {
        _store = await RegistryStoreFactory.OpenAsync($"sqlite:{_temp.Sub("registry.db")}");
        _artifacts = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("artifacts")));
        WriteCsv(Csv, 60);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    private static void WriteCsv(string path, int rows, int changeRow = -1)
    {
        var lines = new List<string> { "customer_id,tenure,plan,signed_up,churned" };
        for (int i = 1; i <= rows; i++)
            lines.Add($"{1000 + i},{(i == changeRow ? 999 : i % 37)},{(i % 3 == 0 ? "pro" : "basic")},2024-01-{1 + i % 28:D2},{(i % 4 == 0 ? "yes" : "no")}");
        File.WriteAllLines(path, lines);
    }

    private Task<TableImportResult> Import(string? path = null, TableImportOptions? options = null) =>
        TableDatasets.ImportAsync(_store, _artifacts, path ?? Csv, "churn", options ?? new TableImportOptions("churned"), "tester");

    [Fact]
    public async Task Import_SameFileTwice_SameVersion()
    {
        var first = await Import();
        var second = await Import();
        Assert.Equal(1, first.Version.Version);
        Assert.False(first.Existing);
        Assert.True(second.Existing);
        Assert.Equal(first.Version.ContentHash, second.Version.ContentHash);
        Assert.Single(await _store.ListDatasetVersionsAsync("churn"));
        Assert.True(TableDatasetSummary.IsTableVersion(first.Version));
    }

    [Fact]
    public async Task Import_ChangedFile_NextVersionWithParent()
    {
        await Import();
        WriteCsv(Csv, 60, changeRow: 7);
        var second = await Import();
        Assert.Equal((2, (int?)1), (second.Version.Version, second.Version.ParentVersion));
        Assert.False(second.Existing);
    }

    [Fact]
    public async Task Import_SameFileOtherLabel_NewVersion()
    {
        await Import();
        var other = await Import(options: new TableImportOptions("plan"));
        Assert.Equal(2, other.Version.Version);
    }

    [Fact]
    public async Task Load_ImportedVersion_SameTableSchemaAndManifest()
    {
        var imported = await Import();
        var loaded = await TableDatasets.LoadAsync(_store, _artifacts, DatasetReference.Parse("churn@1"));
        Assert.Equal(imported.Table.RowCount, loaded.Table.RowCount);
        foreach (var c in imported.Table.Columns)
        {
            Assert.Equal(c.Kind, loaded.Table[c.Name].Kind);
            for (int r = 0; r < c.Length; r++) Assert.Equal(c.Format(r), loaded.Table[c.Name].Format(r));
        }
        Assert.Null(loaded.Splits);
        Assert.Equal(("churned", TableTask.Classification), (loaded.Schema.LabelColumn, loaded.Schema.Task));
        Assert.Equal(ColumnKind.Identifier, loaded.Schema.KindOf("customer_id"));
        Assert.Equal(ColumnKind.DateTime, loaded.Schema.KindOf("signed_up"));
        using var manifest = JsonDocument.Parse(imported.Version.ManifestJson);
        var file = manifest.RootElement.GetProperty("files")[0];
        Assert.Equal("churn.csv", file.GetProperty("file").GetString());
        Assert.Equal(64, file.GetProperty("sha256").GetString()!.Length);
        using var stats = JsonDocument.Parse(imported.Version.StatisticsJson);
        // A yes/no label keeps its own words as classes (a yes/no feature column still reads as boolean).
        Assert.Equal(ColumnKind.Categorical, loaded.Schema.KindOf("churned"));
        Assert.Equal(15, stats.RootElement.GetProperty("label").GetProperty("per_split").GetProperty("none").GetProperty("yes").GetInt32());
    }

    [Fact]
    public async Task ALabelPinnedBoolean_StaysBoolean()
    {
        string csv = Path.Combine(_temp.Path, "flags.csv");
        await File.WriteAllTextAsync(csv, "x,flag\n1,yes\n2,no\n3,yes\n");
        var schema = TableSchema.FromYaml("columns:\n  flag: boolean\n");
        var imported = await TableDatasets.ImportAsync(_store, _artifacts, csv, "flags", new TableImportOptions(LabelColumn: "flag", Schema: schema), "test");
        Assert.Equal(ColumnKind.Boolean, imported.Schema.KindOf("flag"));
    }

    [Fact]
    public async Task RecordDerived_SplitThenClean_VersionsWithParentsAndSplitsKept()
    {
        var imported = await Import();
        var data = await TableDatasets.LoadAsync(_artifacts, imported.Version);
        var splits = TableSplitter.Split(data.Table, new TableSplitOptions(Test: 0.25, Stratify: true), "churned");
        var split = await TableDatasets.RecordDerivedAsync(_store, _artifacts, "churn", 1, data.Table, data.Schema, splits, "split", "tester");
        Assert.Equal((2, (int?)1), (split.Version, split.ParentVersion));
        var loaded = await TableDatasets.LoadAsync(_artifacts, split);
        Assert.Equal(splits.Split, loaded.Splits!.Split);
        Assert.Equal(15, loaded.Splits.Counts()["test"]);
        var again = await TableDatasets.RecordDerivedAsync(_store, _artifacts, "churn", 1, data.Table, data.Schema, splits, "split", "tester");
        Assert.Equal(2, again.Version);

        var cleaned = TableCleaner.InspectAndClean(loaded.Table, loaded.Schema, TableInspectionKinds.ParseDroppable("duplicates"), loaded.Splits);
        // No duplicates to drop: the same content is the same version.
        Assert.Empty(cleaned.Dropped);
        var clean = await TableDatasets.RecordDerivedAsync(_store, _artifacts, "churn", 2, cleaned.Table, loaded.Schema, loaded.Splits.Take(cleaned.Kept), "clean", "tester");
        Assert.Equal(2, clean.Version);
        var fewer = await TableDatasets.RecordDerivedAsync(_store, _artifacts, "churn", 2, loaded.Table.Take([0, 1, 2]), loaded.Schema, loaded.Splits.Take([0, 1, 2]), "clean", "tester");
        Assert.Equal((3, (int?)2), (fewer.Version, fewer.ParentVersion));
        Assert.Equal([1, 2, 3], (await TableDatasets.LoadAsync(_artifacts, fewer)).Table.RowNumbers);
    }

    [Fact]
    public async Task Import_BadLabelColumn_RecordsNothing()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Import(options: new TableImportOptions("nope")));
        Assert.Contains("label column 'nope' is not in the table", e.Message);
        Assert.Empty(await _store.ListDatasetVersionsAsync("churn"));
    }

    [Fact]
    public async Task Import_HostileCsv_RecordsNothing()
    {
        File.WriteAllText(Csv, "a,b\n1,2\n3\n");
        var e = await Assert.ThrowsAsync<TableReadException>(() => Import(options: new TableImportOptions()));
        Assert.Contains("line 3 has 1 fields but the header has 2", e.Message);
        Assert.Empty(await _store.ListDatasetVersionsAsync("churn"));
    }

    [Fact]
    public async Task Import_NameHeldByAnotherKindOfData_Refused()
    {
        await _store.AddDatasetVersionAsync("churn", new string('a', 64), "{\"format\":\"lepton-dataset-manifest/1\"}", "{}", "{}", null, "tester");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Import());
        Assert.Contains("not table data sets", e.Message);
    }

    [Fact]
    public async Task Import_PinnedSchemaFile_KindsAndRolesFromTheFile()
    {
        var schemaPath = Path.Combine(_temp.Path, "schema.yaml");
        File.WriteAllText(schemaPath, "columns:\n  tenure: categorical\nlabel_column: churned\ngroup_column: plan\n");
        var imported = await Import(options: new TableImportOptions(Schema: TableSchema.Load(schemaPath)));
        Assert.Equal(ColumnKind.Categorical, imported.Schema.KindOf("tenure"));
        Assert.Equal(("churned", "plan"), (imported.Schema.LabelColumn!, imported.Schema.GroupColumn!));
        var loaded = await TableDatasets.LoadAsync(_artifacts, imported.Version);
        Assert.Equal(ColumnKind.Categorical, loaded.Table["tenure"].Kind);
        Assert.Equal("plan", loaded.Schema.GroupColumn);
    }

    [Fact]
    public async Task Import_SplitColumn_VersionKeepsThePinnedSplitWithoutTheColumn()
    {
        var lines = File.ReadAllLines(Csv).Select((l, i) => l + "," + (i == 0 ? "part" : i % 4 == 0 ? "test" : "train")).ToArray();
        File.WriteAllLines(Csv, lines);
        var imported = await Import(options: new TableImportOptions("churned", SplitColumn: "part"));
        Assert.DoesNotContain("part", imported.Table.ColumnNames);
        var loaded = await TableDatasets.LoadAsync(_artifacts, imported.Version);
        Assert.NotNull(loaded.Splits);
        Assert.Equal(Enumerable.Range(1, 60).Where(i => i % 4 == 0).Select(i => i - 1), loaded.Splits!.RowsOf("test"));
        Assert.Equal(45, loaded.Splits.RowsOf("train").Length);
        Assert.Contains("\"test\":15", imported.Version.ManifestJson);
    }

    [Fact]
    public async Task Import_SplitColumnIsTheLabel_RefusedAndNothingRecorded()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Import(options: new TableImportOptions("churned", SplitColumn: "churned")));
        Assert.Contains("both the split column and the label column", e.Message);
        Assert.Empty(await _store.ListDatasetVersionsAsync("churn"));
    }

    [Fact]
    public async Task Split_ImportedWithATimeColumn_LatestRowsInTestUnlessShuffled()
    {
        var imported = await Import(options: new TableImportOptions("churned", TimeColumn: "signed_up"));
        var byTime = await TableDatasets.SplitAsync(_store, _artifacts, imported.Version, new TableSplitOptions(Test: 0.25), "tester");
        Assert.Contains("time-ordered by signed_up", byTime.Note);
        var days = ((DateTimeColumn)imported.Table["signed_up"]).Values.Select(d => d!.Value.Day).ToArray();
        var test = byTime.Splits.RowsOf("test");
        Assert.True(test.Min(r => days[r]) > byTime.Splits.RowsOf("train").Max(r => days[r]), "every test row is later than every training row");

        var shuffled = await TableDatasets.SplitAsync(_store, _artifacts, imported.Version, new TableSplitOptions(Test: 0.25, Shuffle: true), "tester");
        Assert.DoesNotContain("time-ordered", shuffled.Note);
        Assert.NotEqual(test, shuffled.Splits.RowsOf("test"));

        int versions = (await _store.ListDatasetVersionsAsync("churn")).Count;
        var stratify = await Assert.ThrowsAsync<ArgumentException>(() =>
            TableDatasets.SplitAsync(_store, _artifacts, imported.Version, new TableSplitOptions(Test: 0.25, Stratify: true), "tester"));
        Assert.Contains("ordered in time by 'signed_up'", stratify.Message);
        Assert.Contains("Add --shuffle", stratify.Message);
        var both = await Assert.ThrowsAsync<ArgumentException>(() =>
            TableDatasets.SplitAsync(_store, _artifacts, imported.Version, new TableSplitOptions(TimeColumn: "signed_up", Shuffle: true), "tester"));
        Assert.Contains("drop one", both.Message);
        Assert.Equal(versions, (await _store.ListDatasetVersionsAsync("churn")).Count);

        // A row without a time cannot be placed in time: the way out is named.
        File.WriteAllText(Csv, File.ReadAllText(Csv).Replace(",2024-01-02,", ",,"));
        var gap = await Import(options: new TableImportOptions("churned", TimeColumn: "signed_up"));
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => TableDatasets.SplitAsync(_store, _artifacts, gap.Version, new TableSplitOptions(Test: 0.25), "tester"));
        Assert.Contains("no value in the time column 'signed_up'", missing.Message);
        Assert.Contains("--shuffle", missing.Message);
        Assert.DoesNotContain("time-ordered", (await TableDatasets.SplitAsync(_store, _artifacts, gap.Version, new TableSplitOptions(Test: 0.25, Shuffle: true), "tester")).Note);
    }
}
