using System.Text;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;
using nietras.SeparatedValues;

namespace Lepton.Data.Tables.Reading;

/// <summary>
/// Reads CSV/TSV files with Sep (SIMD-parsed, RFC 4180 quotes unescaped; the separator sniffed from the header unless given, and
/// numbers with a decimal comma in ';'-separated files) into text cells (no string per field), or, for a column
/// whose cells are all numbers, into the parsed numbers: a column that turns out to need its text (a cell that is not a number, an
/// identifier) has it read in a second pass over the file (<see cref="ReadText"/>). The first row names the columns. Hostile input
/// is refused with the file, line and column: a field over the length limit, a row with more columns than the header (or than the
/// column limit), too many rows or cells, invalid UTF-8. Blank lines are skipped when the table has more than one column.
/// </summary>
internal static class CsvTableReader
{
    /// <summary>Reads one file's rows; columns the schema pins to a kind other than numeric keep their text from the start.</summary>
    public static void Read(RawTable table, int fileIndex, TableReadOptions options, TableSchema? pinned, CancellationToken ct) =>
        Guarded(table, fileIndex, options.Encoding, () => ReadFile(table, fileIndex, options, pinned, null, ct));

    /// <summary>Reads again the text of the columns that need it (<see cref="RawColumn.NeedsText"/>), every row of one file.</summary>
    public static void ReadText(RawTable table, int fileIndex, TableReadOptions options, CancellationToken ct)
    {
        var columns = table.Columns.Select(c => c.NeedsText).ToArray();
        Guarded(table, fileIndex, options.Encoding, () => ReadFile(table, fileIndex, options, null, columns, ct));
    }

    private static void Guarded(RawTable table, int fileIndex, string? encoding, Action read)
    {
        var file = table.Files[fileIndex];
        try
        {
            read();
        }
        catch (DecoderFallbackException e) when (encoding is not null)
        {
            throw new TableReadException($"{file.Name} holds bytes that are not {encoding} ({e.Message}); name the encoding it was saved in (--encoding; e.g. {CsvEncoding.Examples}).");
        }
        catch (DecoderFallbackException)
        {
            var (offset, line) = Utf8Check.FirstInvalid(file.FullPath);
            throw new TableReadException($"{file.Name} line {line} is not valid UTF-8 (byte offset {offset:N0}); save the file as UTF-8 (most spreadsheet tools offer \"CSV UTF-8\"), " +
                "or name the encoding it was saved in: --encoding windows-1252 for a spreadsheet's \"CSV\" from Windows in Western Europe.");
        }
        catch (NotSupportedException e)
        {
            // Sep refuses a row longer than its buffer limit (16M chars): an unclosed quote or a giant field.
            throw new TableReadException($"{file.Name}: a row is longer than the reader supports ({e.Message}); look for an unclosed quote, or split the field.", e);
        }
    }

    // textOnly: the second pass, which stores the text of the marked columns only (rows were counted and checked by the first).
    private static void ReadFile(RawTable table, int fileIndex, TableReadOptions options, TableSchema? pinned, bool[]? textOnly, CancellationToken ct)
    {
        var file = table.Files[fileIndex];
        char separator = options.Separator ?? (file.Format == TableFormat.Tsv ? '\t' : CsvSeparator.SniffFile(file.FullPath));
        bool decimalComma = options.DecimalComma ?? separator == ';';
        using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var text = new StreamReader(stream, CsvEncoding.Resolve(options.Encoding), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        using var reader = Sep.New(separator).Reader(o => o with
        {
            HasHeader = false,
            Unescape = true,
            DisableColCountCheck = true,
        }).From(text);

        string[]? header = null;
        RawColumn[] columns = [];
        int width = 0, rows = 0;
        foreach (var row in reader)
        {
            int line = row.LineNumberFrom;
            if (header is null)
            {
                header = Header(row, file, options);
                if (fileIndex == 0 && textOnly is null)
                {
                    // A column pinned to another kind than numeric keeps its text (the conversion reads it, errors quote it).
                    foreach (var name in header)
                        table.Columns.Add(new RawColumn(name, RawKind.Strings, parseNumbers: pinned?.KindOf(name) is null or ColumnKind.Numeric));
                }
                else
                {
                    SameHeader(table, header, file);
                }
                columns = [.. table.Columns];
                width = header.Length;
                continue;
            }
            int count = row.ColCount;
            if (count == 1 && width > 1 && row.Span.Trim().IsEmpty) continue;
            if (count != width)
            {
                if (count > options.MaxColumns)
                    throw new TableReadException($"{file.Name} line {line} has {count:N0} columns, over the limit of {options.MaxColumns:N0} (the header has {width}); is the separator right?");
                throw new TableReadException($"{file.Name} line {line} has {count} fields but the header has {width}; quote fields that contain '{(separator == '\t' ? "\\t" : separator)}' and give every row the same number of fields.");
            }
            if (textOnly is not null)
            {
                for (int c = 0; c < width; c++)
                {
                    if (!textOnly[c]) continue;
                    var span = row[c].Span;
                    if (TableValues.IsMissing(span)) columns[c].Text.AddMissing();
                    else columns[c].Text.Add(span);
                }
                if ((++rows & 4095) == 0) ct.ThrowIfCancellationRequested();
                continue;
            }
            if (table.RowCount >= options.MaxRows)
                throw new TableReadException($"{file.Name} line {line}: the table has more than {options.MaxRows:N0} rows, the limit; read a sample, or raise the row limit.");
            if ((long)(table.RowCount + 1) * width > options.MaxCells)
                throw new TableReadException($"{file.Name} line {line}: the table has more than {options.MaxCells:N0} cells (rows x columns), the limit; read fewer columns or rows, or raise the cell limit.");
            for (int c = 0; c < width; c++)
            {
                var span = row[c].Span;
                if (span.Length > options.MaxFieldChars)
                    throw new TableReadException($"{file.Name} line {line}, column '{header[c]}': a field of {span.Length:N0} characters, over the limit of {options.MaxFieldChars:N0}; shorten it (or check for an unclosed quote), or raise the field limit.");
                var column = columns[c];
                if (column.Parsed is { } parsed)
                {
                    if (TableValues.IsMissing(span)) parsed.AddMissing();
                    else if (TableValues.TryParseCsvNumber(span, decimalComma, out double value)) parsed.Add(value);
                    else column.StopParsing();
                }
                else if (!column.NeedsText)
                {
                    if (TableValues.IsMissing(span)) column.Text.AddMissing();
                    else column.Text.Add(span);
                }
            }
            table.Origins.Add((fileIndex, line));
            if (table.RowCount == 1) ReserveRows(columns, file.Size / Math.Max(1, row.Span.Length + 1), options);
            if ((table.RowCount & 4095) == 0) ct.ThrowIfCancellationRequested();
        }
        if (header is null) throw new TableReadException($"{file.Name} is empty; a table file starts with a header row naming its columns.");
    }

    // The first row's length estimates the rows of the file (a little over, for shorter rows); capped by the row limit.
    private static void ReserveRows(RawColumn[] columns, long estimate, TableReadOptions options)
    {
        long limit = Math.Min(Math.Min(options.MaxRows, options.MaxCells / Math.Max(1, columns.Length)), 1 << 26);
        int rows = (int)Math.Min(estimate + estimate / 8 + 16, limit);
        foreach (var c in columns) c.Parsed?.Reserve(rows);
    }

    private static string[] Header(SepReader.Row row, TableFile file, TableReadOptions options)
    {
        int count = row.ColCount;
        if (count > options.MaxColumns)
            throw new TableReadException($"{file.Name}: the header has {count:N0} columns, over the limit of {options.MaxColumns:N0}; read fewer columns, or raise the column limit.");
        var names = new string[count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < count; c++) names[c] = HeaderNames.Check(row[c].Span, c, file, seen);
        return names;
    }

    private static void SameHeader(RawTable table, string[] header, TableFile file)
    {
        var first = table.Columns.Select(c => c.Name).ToArray();
        if (first.SequenceEqual(header, StringComparer.Ordinal)) return;
        var missing = first.Except(header).ToList();
        var extra = header.Except(first).ToList();
        throw new TableReadException($"{file.Name} has other columns than {table.Files[0].Name}" +
            (missing.Count > 0 ? $"; missing: {string.Join(", ", missing.Take(10))}" : "") +
            (extra.Count > 0 ? $"; extra: {string.Join(", ", extra.Take(10))}" : "") +
            (missing.Count == 0 && extra.Count == 0 ? "; the same names in another order" : "") +
            ". Every file of a table folder has the same header.");
    }
}
