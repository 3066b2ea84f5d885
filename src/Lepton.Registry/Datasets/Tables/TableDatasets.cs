using System.Security.Cryptography;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Features;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Lepton.Registry.Artifacts;
using Lepton.Registry.References;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Tables;

/// <summary>
/// How to import a table: its roles (label, task, group, time), a pinned schema, read limits, and a column that pins each
/// row's split (train, validation or test; the column is dropped from the features).
/// </summary>
public sealed record TableImportOptions(
    string? LabelColumn = null,
    TableTask? Task = null,
    string? GroupColumn = null,
    string? TimeColumn = null,
    TableSchema? Schema = null,
    TableReadOptions? Read = null,
    string? SplitColumn = null)
{
    /// <summary>
    /// A SELECT whose rows are the table, read from the PostgreSQL database the import's source names
    /// (<c>postgres://user@host:5432/db</c>; the password from the URL, <c>PGPASSWORD</c> or <c>~/.pgpass</c>, never stored).
    /// </summary>
    public string? Query { get; init; }
}

/// <summary>What an import recorded: the version (an existing one when nothing changed), the table and its schema, and the files read.</summary>
public sealed record TableImportResult(DatasetVersion Version, Table Table, TableSchema Schema, bool Existing, TableSource Source);

/// <summary>A loaded table data set version: its record, the table, its schema and (when split) each row's split.</summary>
public sealed record TableDatasetVersion(DatasetVersion Version, Table Table, TableSchema Schema, TableSplits? Splits);

/// <summary>
/// Table data set versions in the registry, as <see cref="Images.ImageDatasets"/> does for images: import a .csv, .tsv or
/// .parquet file or folder (the same content and schema give the same version; a change gives version+1 with its
/// parent), load a version, and record versions derived by cleaning or splitting. The data is stored as one normalized
/// Parquet artifact (<see cref="TableStorage"/>), the schema as the version's schema JSON.
/// </summary>
public static partial class TableDatasets
{
    // Most values occur more than once: classes, not free text.
    private static bool Repeating(StringColumn column)
    {
        var present = column.Values.Where(v => v is not null).ToList();
        return present.Count > 0 && present.Distinct(StringComparer.Ordinal).Count() * 2 <= present.Count;
    }

    public static async Task<TableImportResult> ImportAsync(IRegistryStore store, IArtifactStore artifacts, string path, string name,
        TableImportOptions options, string actor, CancellationToken ct = default)
    {
        StoreNames.Check(name, "dataset");
        // A label read as yes/no (or true/false) keeps the data's own words as its classes, so answers, feedback and live
        // accuracy speak them ("yes", not "true"); a label pinned boolean stays so. Classes that are phrases repeating over the
        // rows ("late delivery", "wrong size", ...) were read as text for their many values, and are classes all the same.
        TableSchema? LabelAsClasses(Table read)
        {
            if ((options.LabelColumn ?? options.Schema?.LabelColumn) is not { } label || !read.TryGetColumn(label, out var labelColumn)
                || !(labelColumn.Kind == ColumnKind.Boolean || labelColumn is StringColumn { Kind: ColumnKind.Text } phrases && Repeating(phrases))
                || options.Schema?.KindOf(label) is not null)
                return null;
            var pinned = options.Schema ?? TableSchema.Empty;
            return pinned with { Columns = [.. pinned.Columns, new ColumnSpec(label, ColumnKind.Categorical)] };
        }
        TableReadResult read;
        // A query's rows are read once and typed again; files are read again.
        if (options.Query is { } sql) read = await TableReader.ReadQueryAsync(PostgresQueries.Of(path, sql), options.Schema, LabelAsClasses, options.Read, ct);
        else
        {
            read = await TableReader.ReadAsync(path, options.Schema, options.Read, ct);
            if (LabelAsClasses(read.Table) is { } classes) read = await TableReader.ReadAsync(path, classes, options.Read, ct);
        }
        var table = read.Table;
        TableSplits? splits = null;
        if (options.SplitColumn is { } splitColumn)
        {
            foreach (var (role, other) in new[] { ("label", options.LabelColumn ?? options.Schema?.LabelColumn), ("group", options.GroupColumn), ("time", options.TimeColumn) })
                if (other == splitColumn) throw new ArgumentException($"'{splitColumn}' cannot be both the split column and the {role} column.");
            (table, splits) = SplitColumn.Extract(table, splitColumn);
        }
        var schema = TableRoles.Apply(table, options.LabelColumn, options.Task, options.GroupColumn, options.TimeColumn, options.Schema);
        // Each of these reads the table (or the files) and nothing else, so on two cores they overlap (a wide table spends seconds
        // here); the Parquet artifact and the statistics wait for the content hash, so importing content the name already holds
        // computes neither.
        var contentHashTask = Task.Run(() => TableDatasetSummary.ContentHash(table, schema, splits), ct);
        var filesTask = Task.Run(() => HashFilesAsync(read.Source, ct), ct);
        string contentHash = await contentHashTask;
        var existing = await TableVersionsAsync(store, name, ct);
        if (existing.FirstOrDefault(v => v.ContentHash == contentHash) is { } same)
        {
            await filesTask;
            return new TableImportResult(same, table, schema, true, read.Source);
        }
        var bytesTask = Task.Run(() => TableStorage.WriteAsync(table, splits, ct), ct);
        var statisticsTask = Task.Run(() => TableDatasetSummary.Statistics(table, schema, splits), ct);
        await Task.WhenAll(filesTask, bytesTask, statisticsTask);
        var (files, bytes, statistics) = (filesTask.Result, bytesTask.Result, statisticsTask.Result);
        string artifact = await PutAsync(artifacts, bytes, ct);
        ct.ThrowIfCancellationRequested();
        var version = await store.AddDatasetVersionAsync(name, contentHash,
            TableDatasetSummary.Manifest(table, splits, artifact, bytes.Length, read.Source.Root, files,
                splits is null ? null : $"split pinned by column '{options.SplitColumn}'", query: options.Query),
            schema.ToJson(indented: false), statistics,
            existing.Count == 0 ? null : existing.Max(v => v.Version), actor, ct);
        return new TableImportResult(version, table, schema, false, read.Source);
    }

    private static async Task<List<(string, long, string)>> HashFilesAsync(TableSource source, CancellationToken ct)
    {
        var files = new List<(string, long, string)>();
        foreach (var f in source.Files)
        {
            // A query's rows are hashed with the table's content; its text is in the manifest.
            if (f.Format == TableFormat.Query) continue;
            await using var s = File.OpenRead(f.FullPath);
            files.Add((f.Name, f.Size, Convert.ToHexStringLower(await SHA256.HashDataAsync(s, ct))));
        }
        return files;
    }

    /// <summary>Loads a version named by a reference (<c>name</c> or <c>name@3</c>).</summary>
    public static async Task<TableDatasetVersion> LoadAsync(IRegistryStore store, IArtifactStore artifacts, DatasetReference reference, CancellationToken ct = default) =>
        await LoadAsync(artifacts, await reference.ResolveAsync(store, ct), ct);

    /// <summary>Loads a version's table from its verified artifact; a version not made by a table import is an error.</summary>
    public static async Task<TableDatasetVersion> LoadAsync(IArtifactStore artifacts, DatasetVersion version, CancellationToken ct = default)
    {
        var bytes = await artifacts.ReadAsync(TableDatasetSummary.DataArtifact(version), ct);
        var schema = TableSchema.FromJson(version.SchemaJson);
        var (table, splits) = await TableStorage.ReadAsync(bytes, schema, ct);
        return new TableDatasetVersion(version, table, schema, splits);
    }

    /// <summary>
    /// Records <paramref name="table"/> (a cleaned or re-split form of version <paramref name="parentVersion"/>) as a new
    /// version whose parent is that version; the same content as an existing version returns it.
    /// </summary>
    public static async Task<DatasetVersion> RecordDerivedAsync(IRegistryStore store, IArtifactStore artifacts, string name, int parentVersion,
        Table table, TableSchema schema, TableSplits? splits, string note, string actor, CancellationToken ct = default, LagOptions? lags = null)
    {
        var parent = await store.GetDatasetVersionAsync(name, parentVersion, ct)
                     ?? throw new KeyNotFoundException($"Dataset '{name}' has no version {parentVersion}; see lepton data list {name}.");
        if (!TableDatasetSummary.IsTableVersion(parent))
            throw new InvalidDataException($"{name}@{parentVersion} is not a table data set; a derived table version needs a table parent.");
        string contentHash = TableDatasetSummary.ContentHash(table, schema, splits);
        var existing = await TableVersionsAsync(store, name, ct);
        if (existing.FirstOrDefault(v => v.ContentHash == contentHash) is { } same) return same;
        string source;
        List<(string, long, string)> files = [];
        using (var doc = System.Text.Json.JsonDocument.Parse(parent.ManifestJson))
        {
            source = doc.RootElement.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "";
            if (doc.RootElement.TryGetProperty("files", out var f))
                foreach (var e in f.EnumerateArray())
                    files.Add((e.GetProperty("file").GetString()!, e.GetProperty("size").GetInt64(), e.GetProperty("sha256").GetString()!));
        }
        var bytes = await TableStorage.WriteAsync(table, splits, ct);
        string artifact = await PutAsync(artifacts, bytes, ct);
        return await store.AddDatasetVersionAsync(name, contentHash,
            TableDatasetSummary.Manifest(table, splits, artifact, bytes.Length, source, files, note, parentVersion, lags: lags?.ToJson()),
            schema.ToJson(indented: false), TableDatasetSummary.Statistics(table, schema, splits), parentVersion, actor, ct);
    }

    /// <summary>
    /// Records a table made by Lepton itself (the loop's base rows plus feedback rows) as a version of <paramref name="name"/>, whose
    /// parent is that name's newest version; <paramref name="source"/> names what it was made from (kept in the manifest). The same
    /// content as an existing version returns it with Existing set.
    /// </summary>
    public static async Task<TableImportResult> RecordAsync(IRegistryStore store, IArtifactStore artifacts, string name, Table table, TableSchema schema,
        TableSplits? splits, string source, string note, string actor, CancellationToken ct = default)
    {
        StoreNames.Check(name, "dataset");
        string contentHash = TableDatasetSummary.ContentHash(table, schema, splits);
        var existing = await TableVersionsAsync(store, name, ct);
        var tableSource = new TableSource(source, [], []);
        if (existing.FirstOrDefault(v => v.ContentHash == contentHash) is { } same) return new TableImportResult(same, table, schema, true, tableSource);
        var bytes = await TableStorage.WriteAsync(table, splits, ct);
        string artifact = await PutAsync(artifacts, bytes, ct);
        int? parent = existing.Count == 0 ? null : existing.Max(v => v.Version);
        var version = await store.AddDatasetVersionAsync(name, contentHash,
            TableDatasetSummary.Manifest(table, splits, artifact, bytes.Length, source, [], note, parent),
            schema.ToJson(indented: false), TableDatasetSummary.Statistics(table, schema, splits), parent, actor, ct);
        return new TableImportResult(version, table, schema, false, tableSource);
    }

    /// <summary>The lags a version was derived with (<c>lepton data lags</c>), from its manifest; null for other versions.</summary>
    public static LagOptions? LagsOf(DatasetVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return LagOptions.FromJson(System.Text.Json.Nodes.JsonNode.Parse(version.ManifestJson)?["lags"]);
    }

    /// <summary>The source a version's manifest names (a file path for an import, the base data set for a loop version); empty when none.</summary>
    public static string SourceOf(DatasetVersion version)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(version.ManifestJson);
        return doc.RootElement.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "";
    }

    private static async Task<IReadOnlyList<DatasetVersion>> TableVersionsAsync(IRegistryStore store, string name, CancellationToken ct)
    {
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        if (existing.Count > 0 && !existing.Any(TableDatasetSummary.IsTableVersion))
            throw new InvalidOperationException($"Dataset '{name}' holds versions that are not table data sets; import under another name.");
        return existing;
    }

    private static async Task<string> PutAsync(IArtifactStore artifacts, byte[] bytes, CancellationToken ct)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return await artifacts.PutAsync(stream, ct);
    }
}
