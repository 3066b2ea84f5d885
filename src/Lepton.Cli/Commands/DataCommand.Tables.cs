using System.CommandLine;
using System.Text.Json;
using Lepton.Cli.Rendering;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables.Inspection;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Spectre.Console;

namespace Lepton.Cli.Commands;

// The table side of lepton data: import, show, inspect, clean and split of table versions. The shared verbs hand over
// here when the path is a table file (or folder of them) or the version is a table version.
public static partial class DataCommand
{
    /// <summary>The options only a table import has.</summary>
    private sealed class TableImportCliOptions
    {

        public Option<string?> Task { get; } = new("--task") { Description = "Tables: classification or regression (default: inferred from the label column)." };

        public Option<string?> Group { get; } = new("--group-column") { Description = "Tables: rows sharing this column's value stay on one side of a split." };

        public Option<string?> Time { get; } = new("--time-column") { Description = "Tables: the column that orders rows in time (a time-ordered split puts the latest rows in test)." };

        public Option<string?> Schema { get; } = new("--schema") { Description = "Tables: a schema file (.json or .yaml) pinning column kinds and roles; it wins over inference." };

        public Option<string?> Split { get; } = new("--split-column") { Description = "Tables: a column naming each row's split (train, validation or test), kept as the version's split and dropped from the features; pins a published split." };

        public Option<string?> Separator { get; } = new("--separator")
        {
            Description = "Tables: the CSV's separator: , ; | or tab (default: the one the header row uses most). A ';'-separated file reads decimal commas (3,5).",
        };

        public Option<string?> Sheet { get; } = new("--sheet") { Description = "Tables: the Excel sheet to read (default: the first)." };

        public Option<string?> Encoding { get; } = new("--encoding")
        {
            Description = "Tables: the CSV's character encoding (default UTF-8; a byte-order mark wins), e.g. windows-1252 for a spreadsheet's \"CSV\" from Windows.",
        };

        public Option<string?> Query { get; } = new("--query")
        {
            Description = "Tables from PostgreSQL: the SELECT whose rows are the table, with the database's URL as the path (postgres://user@host:5432/db; the password from the URL, PGPASSWORD or ~/.pgpass, never stored). Read in a read-only transaction.",
        };

        public IEnumerable<Option> All => [Task, Group, Time, Schema, Split, Separator, Sheet, Encoding, Query];

        public bool Given(ParseResult p) => All.Any(o => p.GetResult(o) is not null);
    }

    /// <summary>
    /// True when <paramref name="path"/> is a table: a .tsv, .parquet or Excel file, a folder of table files, or a .csv or .jsonl
    /// that is not a manifest of files (a manifest's header has a 'path' column, its objects a "path" key) or comes with table options.
    /// </summary>
    private static bool IsTableImport(string path, bool tableOptions)
    {
        if (PostgresQueries.IsDatabase(path)) return true;
        if (!TableSource.LooksLikeTable(path)) return false;
        var format = TableFormats.FromPath(path);
        if (!File.Exists(path) || format is not (TableFormat.Csv or TableFormat.JsonLines) || tableOptions) return true;
        using var reader = new StreamReader(path);
        var buffer = new char[65536];
        int n = reader.ReadBlock(buffer, 0, buffer.Length);
        var first = new string(buffer, 0, n).Split('\n')[0];
        if (format == TableFormat.JsonLines) return !first.Contains("\"path\"", StringComparison.Ordinal);
        return !first.Split(',').Any(f => f.Trim().Trim('"').Equals("path", StringComparison.OrdinalIgnoreCase));
    }

    private static TableReadOptions? ReadOptions(string? separator, string? sheet, string? encoding) =>
        separator is null && sheet is null && encoding is null ? null
            : new TableReadOptions(Separator: separator is null ? null : SeparatorChar(separator), Sheet: sheet, Encoding: encoding);

    private static char SeparatorChar(string text) => text switch
    {
        "tab" or "\\t" or "\t" => '\t',
        "," or ";" or "|" => text[0],
        _ => throw new ArgumentException($"--separator is '{text}'; use , ; | or tab."),
    };

    private static async Task<int> ImportTableAsync(ParseResult p, TableImportCliOptions o, string? label, string path, string name, string? storeSetting, bool asJson, CancellationToken ct)
    {
        TableImportOptions options;
        try
        {
            options = new TableImportOptions(label, p.GetValue(o.Task) is { } t ? TableTasks.Parse(t) : null,
                p.GetValue(o.Group), p.GetValue(o.Time), p.GetValue(o.Schema) is { } s ? TableSchema.Load(s) : null,
                ReadOptions(p.GetValue(o.Separator), p.GetValue(o.Sheet), p.GetValue(o.Encoding)), SplitColumn: p.GetValue(o.Split)) { Query = p.GetValue(o.Query) };
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        if (PostgresQueries.IsDatabase(path) != options.Query is not null)
            throw new ArgumentException(options.Query is null
                ? $"{PostgresQueries.Redact(path)} is a database: give the rows to import with --query \"SELECT ... FROM ...\"."
                : "--query reads a PostgreSQL database: give its URL as the path, e.g. lepton data import postgres://user@host:5432/shop --query \"SELECT * FROM orders\" --name orders.");
        await using var registry = await ModelRegistry.OpenAsync(storeSetting, ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var r = await TableDatasets.ImportAsync(registry.Store, registry.Artifacts, path, name, options, RegistryOptions.Actor, ct);
        var v = r.Version;
        if (asJson)
        {
            JsonOut.Write(new
            {
                name = v.Name, version = v.Version, existing = r.Existing, parent_version = v.ParentVersion, content_hash = v.ContentHash,
                kind = "table", rows = r.Table.RowCount, columns = r.Table.Columns.Count,
                files = r.Source.Files.Select(f => f.Name), skipped = r.Source.Skipped,
                schema = JsonDocument.Parse(r.Schema.ToJson(indented: false)).RootElement,
                statistics = JsonDocument.Parse(v.StatisticsJson).RootElement,
            });
            return 0;
        }
        var c = AnsiConsole.Console;
        c.MarkupLine(r.Existing
            ? $"[bold]{Markup.Escape(v.Name)}@{v.Version}[/] already holds exactly this table (content {v.ContentHash[..12]}); nothing new recorded."
            : $"recorded [bold]{Markup.Escape(v.Name)}@{v.Version}[/] (content {v.ContentHash[..12]}, parent {v.ParentVersion?.ToString() ?? "-"}): {r.Table.RowCount:N0} rows x {r.Table.Columns.Count} columns from " +
              (options.Query is null ? $"{r.Source.Files.Count} file(s)" : Markup.Escape($"the query on {r.Source.Root}")) + $" in {watch.Elapsed.TotalSeconds:F1} s");
        WriteTableSchema(r.Schema, v.StatisticsJson);
        foreach (var s in r.Source.Skipped.Take(20)) c.MarkupLine($"[grey]{Markup.Escape(s)}[/]");
        return 0;
    }

    private static void WriteTableSchema(TableSchema schema, string statisticsJson)
    {
        using var stats = JsonDocument.Parse(statisticsJson);
        var columns = stats.RootElement.GetProperty("columns");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("column", "kind", "role", "missing", "distinct", "summary");
        foreach (var col in schema.Columns)
        {
            var s = columns.TryGetProperty(col.Name, out var x) ? x : default;
            string role = col.Name == schema.LabelColumn ? $"label ({(schema.Task is { } task ? TableTasks.Name(task) : "")})"
                : col.Name == schema.GroupColumn ? "group" : col.Name == schema.TimeColumn ? "time" : "";
            string summary = s.ValueKind != JsonValueKind.Object ? ""
                : s.TryGetProperty("mean", out var mean) ? $"{Num(s.GetProperty("min"))} .. {Num(s.GetProperty("max"))}, mean {Num(mean)}"
                : s.TryGetProperty("top", out var top) ? string.Join(", ", top.EnumerateArray().Take(3).Select(e => $"{Short(e.GetProperty("value").GetString() ?? "")} ({e.GetProperty("count")})"))
                : s.TryGetProperty("min", out var min) ? $"{min.GetString()?[..10]} .. {s.GetProperty("max").GetString()?[..10]}" : "";
            t.AddRow(Markup.Escape(col.Name), Data.Tables.Columns.ColumnKinds.Name(col.Kind), role,
                s.ValueKind == JsonValueKind.Object ? $"{s.GetProperty("missing").GetInt32():N0}" : "", s.ValueKind == JsonValueKind.Object ? $"{s.GetProperty("distinct").GetInt32():N0}" : "",
                Markup.Escape(summary));
        }
        AnsiConsole.Console.Write(t);
    }

    private static string Num(JsonElement e) => Data.NumberText.Value(e.GetDouble());

    private static string Short(string s) => s.Length > 18 ? s[..17] + "…" : s;

    private static void WriteTableSummary(DatasetVersion v)
    {
        var c = AnsiConsole.Console;
        using var manifest = JsonDocument.Parse(v.ManifestJson);
        var m = manifest.RootElement;
        c.MarkupLine($"[bold]{Markup.Escape(v.Name)}@{v.Version}[/] table data set, content {v.ContentHash}, parent {v.ParentVersion?.ToString() ?? "-"}, by {Markup.Escape(v.CreatedBy)} at {v.CreatedAt:u}");
        c.MarkupLine($"{m.GetProperty("rows").GetInt32():N0} rows x {m.GetProperty("columns").GetInt32()} columns; source {Markup.Escape(m.GetProperty("source").GetString() ?? "")} ({m.GetProperty("files").GetArrayLength()} file(s)); data artifact {m.GetProperty("data_artifact").GetString()} (Parquet, {m.GetProperty("data_bytes").GetInt64():N0} bytes)");
        c.MarkupLine("rows per split: " + string.Join(", ", m.GetProperty("rows_per_split").EnumerateObject().Select(s => $"{s.Name} {s.Value.GetInt32():N0}")));
        WriteTableSchema(TableSchema.FromJson(v.SchemaJson), v.StatisticsJson);
        if (m.TryGetProperty("note", out var note)) c.MarkupLine($"note: {Markup.Escape(note.GetString() ?? "")}");
    }

    private const int FindingsShownPerKind = 5;

    private static async Task<int> InspectTableAsync(ModelRegistry registry, DatasetVersion version, string? html, bool asJson, IReadOnlyList<string> sensitive,
        CancellationToken ct)
    {
        var data = await TableDatasets.LoadAsync(registry.Artifacts, version, ct);
        var report = TableInspector.Inspect(data.Table, data.Schema, data.Splits, new TableInspectionOptions { Sensitive = sensitive }, $"{version.Name}@{version.Version}");
        var c = AnsiConsole.Console;
        if (html is not null)
        {
            await File.WriteAllTextAsync(html, TableInspectionHtml.Render(report, data.Table, data.Schema, data.Splits), ct);
            if (!asJson) c.MarkupLine($"wrote {Markup.Escape(html)}");
        }
        if (asJson) { Console.WriteLine(report.ToJson()); return 0; }
        c.MarkupLine($"[bold]{Markup.Escape(report.Dataset ?? "")}[/]: {report.Rows:N0} rows, {report.Columns.Count} columns, {report.Findings.Count:N0} findings");
        var cols = new Table().Border(TableBorder.Rounded).AddColumns("column", "kind", "missing", "distinct");
        foreach (var s in report.Columns) cols.AddRow(Markup.Escape(s.Name), s.Kind, $"{s.Missing:N0} ({s.MissingRate:P1})", $"{s.Distinct:N0}");
        c.Write(cols);
        if (report.Findings.Count == 0) { c.MarkupLine("[green]no problems found[/]"); return 0; }
        // A few of each kind: thirty duplicated records are one problem to a reader, not thirty lines (--json lists them all).
        var t = new Table().Border(TableBorder.Rounded).AddColumns("kind", "finding");
        foreach (var kind in report.Findings.GroupBy(f => f.Kind))
        {
            foreach (var f in kind.Take(FindingsShownPerKind)) t.AddRow(kind.Key, Markup.Escape(f.Message));
            int more = kind.Count() - FindingsShownPerKind;
            if (more > 0) t.AddRow(kind.Key, $"[dim]... and {more:N0} more {kind.Key} finding{(more == 1 ? "" : "s")} like these (--json lists every one)[/]");
        }
        c.Write(t);
        return 0;
    }

    private static async Task<int> CleanTableAsync(ModelRegistry registry, DatasetVersion parent, string drop, bool asJson, CancellationToken ct)
    {
        var kinds = TableInspectionKinds.ParseDroppable(drop);
        var data = await TableDatasets.LoadAsync(registry.Artifacts, parent, ct);
        var result = TableCleaner.InspectAndClean(data.Table, data.Schema, kinds, data.Splits);
        var splits = data.Splits?.Take(result.Kept);
        var note = $"clean of {parent.Name}@{parent.Version}: dropped {result.Dropped.Count} rows ({string.Join(",", kinds.Order(StringComparer.Ordinal))})";
        var version = await TableDatasets.RecordDerivedAsync(registry.Store, registry.Artifacts, parent.Name, parent.Version, result.Table, data.Schema, splits, note, RegistryOptions.Actor, ct);
        if (asJson)
        {
            JsonOut.Write(new
            {
                name = version.Name, version = version.Version, parent_version = parent.Version, content_hash = version.ContentHash,
                rows = result.Table.RowCount, dropped = result.Dropped.Select(d => new { row = d.Row, kind = d.Kind, reason = d.Reason }),
            });
            return 0;
        }
        var c = AnsiConsole.Console;
        c.MarkupLine($"recorded [bold]{Markup.Escape(version.Name)}@{version.Version}[/] (parent {parent.Version}): {result.Table.RowCount:N0} rows, {result.Dropped.Count:N0} dropped");
        if (result.Dropped.Count == 0) return 0;
        var t = new Table().Border(TableBorder.Rounded).AddColumns("row", "kind", "why");
        foreach (var d in result.Dropped.Take(100)) t.AddRow($"{d.Row}", d.Kind, Markup.Escape(d.Reason));
        c.Write(t);
        if (result.Dropped.Count > 100) c.MarkupLine($"... and {result.Dropped.Count - 100:N0} more (see --json)");
        return 0;
    }

    private static async Task<int> SplitTableAsync(ModelRegistry registry, DatasetVersion parent, TableSplitOptions options, bool asJson, CancellationToken ct)
    {
        var (version, note, splits) = await TableDatasets.SplitAsync(registry.Store, registry.Artifacts, parent, options, RegistryOptions.Actor, ct);
        var counts = splits.Counts();
        if (asJson)
        {
            JsonOut.Write(new
            {
                name = version.Name, version = version.Version, parent_version = parent.Version, content_hash = version.ContentHash, counts,
                folds = options.Folds >= 2 ? splits.Fold.Where(f => f is not null).GroupBy(f => f!.Value).OrderBy(x => x.Key).ToDictionary(x => x.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), x => x.Count()) : null,
            });
            return 0;
        }
        AnsiConsole.Console.MarkupLine($"recorded [bold]{Markup.Escape(version.Name)}@{version.Version}[/] (parent {parent.Version}): {Markup.Escape(note)}");
        AnsiConsole.Console.MarkupLine(string.Join(", ", ImageSplits.All.Where(counts.ContainsKey).Select(s => $"{s} {counts[s]:N0}")));
        return 0;
    }

    /// <summary>The version a reference names, when it is a table version (null otherwise, so image verbs carry on).</summary>
    private static async Task<DatasetVersion?> TableVersionAsync(string? storeSetting, string reference, CancellationToken ct)
    {
        await using var s = await RegistryOptions.OpenAsync(storeSetting, ct);
        var v = await DatasetReference.Parse(reference).ResolveAsync(s, ct);
        return TableDatasetSummary.IsTableVersion(v) ? v : null;
    }

    /// <summary>"table", "image" or "files": what kind of data a version holds, for data list.</summary>
    private static string KindOf(DatasetVersion v) =>
        TableDatasetSummary.IsTableVersion(v) ? "table" : ImageDatasetSummaryIsImage(v) ? "image" : "files";

    private static bool ImageDatasetSummaryIsImage(DatasetVersion v) => Registry.Datasets.Images.ImageDatasetSummary.IsImageVersion(v);
}
