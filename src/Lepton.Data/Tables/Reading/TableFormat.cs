namespace Lepton.Data.Tables.Reading;

/// <summary>The file formats a table is read from, by extension: .csv (comma), .tsv (tab), .parquet.</summary>
public enum TableFormat
{
    Csv,
    Tsv,
    Parquet,
}

/// <summary>Extension to <see cref="TableFormat"/>.</summary>
public static class TableFormats
{
    public static TableFormat? FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => TableFormat.Csv,
        ".tsv" or ".tab" => TableFormat.Tsv,
        ".parquet" or ".pq" => TableFormat.Parquet,
        _ => null,
    };

    public static bool IsTableFile(string path) => FromPath(path) is not null;
}
