namespace Lepton.Data.Tables.Reading;

/// <summary>
/// Bounds on what a table read accepts, checked before or while reading so hostile files are refused with a message
/// rather than exhausting memory: file size, number of files in a folder, columns, rows, cells, one field's length. And how a
/// CSV is written: its <paramref name="Separator"/> (null: a .tsv's tab, else the one of , ; tab | that the header row uses
/// most) and whether numbers use a <paramref name="DecimalComma"/> ("3,5"; null: when the separator is ';', as spreadsheets
/// in many locales write them), and its <paramref name="Encoding"/> (null: UTF-8; see <see cref="CsvEncoding"/>). For an Excel
/// workbook, the <paramref name="Sheet"/> to read (null: the first).
/// </summary>
public sealed record TableReadOptions(
    long MaxFileBytes = 2L << 30,
    int MaxFiles = 10_000,
    int MaxColumns = 10_000,
    int MaxRows = 20_000_000,
    long MaxCells = 200_000_000,
    int MaxFieldChars = 1 << 20,
    char? Separator = null,
    bool? DecimalComma = null,
    string? Sheet = null,
    string? Encoding = null)
{
    public static TableReadOptions Default { get; } = new();

    public void Validate()
    {
        if (MaxFileBytes < 1 || MaxFiles < 1 || MaxColumns < 1 || MaxRows < 1 || MaxCells < 1 || MaxFieldChars < 1)
            throw new ArgumentOutOfRangeException(nameof(TableReadOptions), $"Every table read limit must be at least 1, got {this}.");
        if (Separator is { } c && (c is '"' or '\r' or '\n' || char.IsLetterOrDigit(c)))
            throw new ArgumentException($"A CSV separator cannot be '{c}': use , ; | or a tab.", nameof(Separator));
        CsvEncoding.Resolve(Encoding);
    }
}
