using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Reading;

/// <summary>A table read from files, and the files it came from.</summary>
public sealed record TableReadResult(Table Table, TableSource Source);

/// <summary>
/// Reads a table from a .csv, .tsv, .parquet, Excel or JSON Lines file, or a folder of same-schema files, within
/// <see cref="TableReadOptions"/> limits. Kinds come from a pinned <see cref="TableSchema"/> where it names a column and
/// are inferred otherwise. Errors are <see cref="TableReadException"/>s naming the file, row and column, and the fix.
/// </summary>
public static class TableReader
{
    public static async Task<TableReadResult> ReadAsync(string path, TableSchema? pinned = null, TableReadOptions? options = null,
        CancellationToken ct = default)
    {
        options ??= TableReadOptions.Default;
        var source = TableSource.Resolve(path, options, ct);
        var raw = new RawTable(source.Files, []);
        for (int f = 0; f < source.Files.Count; f++)
        {
            ct.ThrowIfCancellationRequested();
            switch (source.Files[f].Format)
            {
                case TableFormat.Parquet: await ParquetTableReader.ReadAsync(raw, f, options, ct); break;
                case TableFormat.Excel: ExcelTableReader.Read(raw, f, options, ct); break;
                case TableFormat.JsonLines: JsonLinesTableReader.Read(raw, f, options, ct); break;
                default: CsvTableReader.Read(raw, f, options, pinned, ct); break;
            }
        }
        ReadTextWhereNeeded(raw, pinned, options, ct);
        if (raw.RowCount == 0) throw new TableReadException($"{path} has no data rows; a table needs at least one row below its header.");
        return new TableReadResult(TableBuilder.Build(raw, pinned), source);
    }

    /// <summary>The rows a PostgreSQL <paramref name="query"/> returns, as a table (see <see cref="PostgresTableReader"/>).</summary>
    public static Task<TableReadResult> ReadQueryAsync(PostgresQuery query, TableSchema? pinned = null, TableReadOptions? options = null,
        CancellationToken ct = default) => ReadQueryAsync(query, pinned, repin: null, options, ct);

    /// <summary>
    /// The query's rows typed with <paramref name="pinned"/>'s kinds, then, when <paramref name="repin"/> gives another schema for that
    /// table, built again from the same rows with it: the query runs once, so both builds see the same rows in the same order.
    /// </summary>
    public static async Task<TableReadResult> ReadQueryAsync(PostgresQuery query, TableSchema? pinned, Func<Table, TableSchema?>? repin,
        TableReadOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        options ??= TableReadOptions.Default;
        options.Validate();
        if (string.IsNullOrWhiteSpace(query.Query)) throw new TableReadException("The query is empty; give one SELECT, e.g. --query \"SELECT * FROM customers\".");
        var source = new TableSource(query.Display, [new TableFile("query", query.Display, TableFormat.Query, query.Query.Length)], []);
        var raw = new RawTable(source.Files, []);
        await PostgresTableReader.ReadAsync(raw, query, options, ct);
        if (raw.RowCount == 0) throw new TableReadException($"The query on {query.Display} returned no rows; a table needs at least one.");
        var table = TableBuilder.Build(raw, pinned);
        return new TableReadResult(repin?.Invoke(table) is { } again ? TableBuilder.Build(raw, again) : table, source);
    }

    // CSV columns are read as numbers while every cell is one; a column that met a cell that is not a number, or whose numbers make an
    // identifier (kept as the text it was written in: "007"), has its text read in a second pass over the files.
    private static void ReadTextWhereNeeded(RawTable raw, TableSchema? pinned, TableReadOptions options, CancellationToken ct)
    {
        foreach (var c in raw.Columns)
            if (c.Parsed is { Present: > 0 } parsed && pinned?.KindOf(c.Name) is null && KindInference.InferNumbers(parsed.ToArray(), c.Name) == ColumnKind.Identifier)
                c.ReadTextAgain();
        if (!raw.Columns.Any(c => c.NeedsText)) return;
        for (int f = 0; f < raw.Files.Count; f++)
        {
            ct.ThrowIfCancellationRequested();
            CsvTableReader.ReadText(raw, f, options, ct);
        }
        foreach (var c in raw.Columns)
        {
            if (!c.NeedsText) continue;
            if (c.Text.Count != raw.RowCount)
                throw new TableReadException($"Column '{c.Name}': the second read of the files found {c.Text.Count:N0} cells for {raw.RowCount:N0} rows; a file changed while it was read. Import it again.");
            c.TextRead();
        }
    }

    /// <summary>Synchronous <see cref="ReadAsync"/> for callers without an async context; returns the table.</summary>
    public static Table Read(string path, TableSchema? pinned = null, TableReadOptions? options = null, CancellationToken ct = default) =>
        Task.Run(() => ReadAsync(path, pinned, options, ct), ct).GetAwaiter().GetResult().Table;
}
