namespace Lepton.Data.Tables.Reading;

/// <summary>
/// The file formats a table is read from, by extension: .csv (its separator sniffed), .tsv (tab), .parquet, Excel (.xlsx, .xlsm,
/// .xls), JSON Lines (.jsonl, .ndjson); and a PostgreSQL query's rows (<see cref="PostgresQuery"/>), which no file holds.
/// </summary>
public enum TableFormat
{
    Csv,
    Tsv,
    Parquet,
    Excel,
    JsonLines,
    Query,
}

/// <summary>Extension to <see cref="TableFormat"/>.</summary>
public static class TableFormats
{
    public static TableFormat? FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => TableFormat.Csv,
        ".tsv" or ".tab" => TableFormat.Tsv,
        ".parquet" or ".pq" => TableFormat.Parquet,
        ".xlsx" or ".xlsm" or ".xls" => TableFormat.Excel,
        ".jsonl" or ".ndjson" => TableFormat.JsonLines,
        _ => null,
    };

    public static bool IsTableFile(string path) => FromPath(path) is not null;

    /// <summary>The extensions a table file may have, as messages list them.</summary>
    public const string Listed = ".csv, .tsv, .parquet, .xlsx or .jsonl";

    /// <summary>The format as messages name it: CSV, TSV, Parquet, Excel.</summary>
    public static string Describe(TableFormat format) => format switch
    {
        TableFormat.Csv => "CSV",
        TableFormat.Tsv => "TSV",
        TableFormat.JsonLines => "JSON Lines",
        TableFormat.Query => "PostgreSQL query",
        _ => format.ToString(),
    };

    /// <summary>Formats that may share a table folder: CSV with TSV; Parquet and Excel only with their own kind.</summary>
    public static int Family(TableFormat format) => format switch { TableFormat.Parquet => 1, TableFormat.Excel => 2, TableFormat.JsonLines => 3, TableFormat.Query => 4, _ => 0 };
}
