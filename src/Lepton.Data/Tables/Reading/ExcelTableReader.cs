using System.Globalization;
using System.IO.Compression;
using System.Text;
using ExcelDataReader;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Reading;

/// <summary>
/// Reads one sheet of an Excel workbook (.xlsx, .xlsm with ExcelDataReader; .xls too) as text cells, which kind inference then
/// types as it does CSV text: numbers are written back exactly ("R"), dates as ISO 8601, booleans as true/false. The first
/// non-empty row names the columns; empty rows are skipped; a value right of the header's last name is refused. A workbook is a
/// zip, so the sizes its entries declare are checked before anything is unpacked (a zip bomb is refused, not inflated).
/// </summary>
internal static class ExcelTableReader
{
    // The shared strings and each sheet are unpacked by ExcelDataReader; what the zip declares bounds them (.NET checks the
    // declared sizes while it inflates).
    private const int MaxZipEntries = 10_000;

    static ExcelTableReader() => System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance); // .xls strings use code pages

    public static void Read(RawTable table, int fileIndex, TableReadOptions options, CancellationToken ct)
    {
        var file = table.Files[fileIndex];
        using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (file.Format == TableFormat.Excel && IsZip(stream)) CheckZip(stream, file, options);
        IExcelDataReader reader;
        try
        {
            reader = ExcelReaderFactory.CreateReader(stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TableReadException($"{file.Name} is not a readable Excel workbook ({e.Message}); save it again from Excel as .xlsx, or export the sheet as CSV.", e);
        }
        using (reader)
        {
            try
            {
                SelectSheet(reader, file, options);
                ReadSheet(reader, table, fileIndex, options, ct);
            }
            catch (Exception e) when (e is not (TableReadException or OperationCanceledException or OutOfMemoryException))
            {
                throw new TableReadException($"{file.Name} could not be read as an Excel workbook ({e.GetType().Name}: {e.Message}); save it again from Excel, or export the sheet as CSV.", e);
            }
        }
    }

    private static bool IsZip(Stream stream)
    {
        Span<byte> magic = stackalloc byte[4];
        int n = stream.Read(magic);
        stream.Position = 0;
        return n == 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K';
    }

    private static void CheckZip(Stream stream, TableFile file, TableReadOptions options)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > MaxZipEntries)
                throw new TableReadException($"{file.Name} holds {zip.Entries.Count:N0} parts, more than a workbook has ({MaxZipEntries:N0}); it is not a workbook Lepton reads.");
            long declared = zip.Entries.Sum(e => e.Length);
            if (declared > options.MaxFileBytes)
                throw new TableReadException(
                    $"{file.Name} unpacks to {declared:N0} bytes, over the limit of {options.MaxFileBytes:N0} (a workbook of {file.Size:N0} bytes); split the sheet, or export it as CSV.");
        }
        catch (InvalidDataException e)
        {
            throw new TableReadException($"{file.Name} is a damaged zip, so not a workbook Lepton reads ({e.Message}); save it again from Excel.", e);
        }
        finally
        {
            stream.Position = 0;
        }
    }

    // The named sheet, or the first one.
    private static void SelectSheet(IExcelDataReader reader, TableFile file, TableReadOptions options)
    {
        if (options.Sheet is not { } wanted) return;
        var names = new List<string>();
        do
        {
            if (string.Equals(reader.Name, wanted, StringComparison.Ordinal)) return;
            names.Add(reader.Name);
        }
        while (reader.NextResult());
        throw new TableReadException($"{file.Name} has no sheet named '{wanted}'; its sheets are {string.Join(", ", names.Select(n => $"'{n}'"))}.");
    }

    private static void ReadSheet(IExcelDataReader reader, RawTable table, int fileIndex, TableReadOptions options, CancellationToken ct)
    {
        var file = table.Files[fileIndex];
        string[]? header = null;
        RawColumn[] columns = [];
        string?[] cells = [];
        int line = 0;
        while (reader.Read())
        {
            line++;
            // Each cell becomes text once; the empty-row test, the header and the values all read that.
            int count = reader.FieldCount;
            if (cells.Length != count) cells = new string?[count];
            for (int c = 0; c < count; c++) cells[c] = Text(reader.GetValue(c));
            if (Array.TrueForAll(cells, string.IsNullOrWhiteSpace)) continue;
            if (header is null)
            {
                header = Header(cells, file);
                // Counted on the header's names: a sheet's used range may run far right over formatted, empty cells.
                if (header.Length > options.MaxColumns)
                    throw new TableReadException($"{file.Name} sheet '{reader.Name}' has {header.Length:N0} named columns, over the limit of {options.MaxColumns:N0}; read fewer columns, or raise the column limit.");
                if (fileIndex == 0)
                {
                    foreach (var name in header) table.Columns.Add(new RawColumn(name, RawKind.Strings, parseNumbers: false));
                }
                else if (!table.Columns.Select(c => c.Name).SequenceEqual(header, StringComparer.Ordinal))
                {
                    throw new TableReadException($"{file.Name} has other columns than {table.Files[0].Name} ({string.Join(", ", header.Take(10))}); every file of a table folder has the same header.");
                }
                columns = [.. table.Columns];
                continue;
            }
            for (int c = header.Length; c < count; c++)
            {
                if (!string.IsNullOrWhiteSpace(cells[c]))
                    throw new TableReadException($"{file.Name} sheet '{reader.Name}' row {line} has a value in column {c + 1}, right of the header's last name '{header[^1]}'; name that column, or clear the cell.");
            }
            if (table.RowCount >= options.MaxRows)
                throw new TableReadException($"{file.Name} row {line}: the table has more than {options.MaxRows:N0} rows, the limit; read a sample, or raise the row limit.");
            if ((long)(table.RowCount + 1) * header.Length > options.MaxCells)
                throw new TableReadException($"{file.Name} row {line}: the table has more than {options.MaxCells:N0} cells (rows x columns), the limit; read fewer columns or rows, or raise the cell limit.");
            for (int c = 0; c < header.Length; c++)
            {
                string? text = c < count ? cells[c] : null;
                if (text is not null && text.Length > options.MaxFieldChars)
                    throw new TableReadException($"{file.Name} row {line}, column '{header[c]}': a value of {text.Length:N0} characters, over the limit of {options.MaxFieldChars:N0}; shorten it, or raise the field limit.");
                if (text is null || TableValues.IsMissing(text)) columns[c].Text.AddMissing();
                else columns[c].Text.Add(text);
            }
            table.Origins.Add((fileIndex, line));
            if ((table.RowCount & 4095) == 0) ct.ThrowIfCancellationRequested();
        }
        if (header is null) throw new TableReadException($"{file.Name} has no rows in its first sheet; a table starts with a header row naming its columns.");
    }

    // The header's names up to its last non-empty cell (sheets often carry formatted, empty columns to the right).
    private static string[] Header(string?[] cells, TableFile file)
    {
        int width = cells.Length;
        while (width > 0 && string.IsNullOrWhiteSpace(cells[width - 1])) width--;
        var names = new string[width];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < width; c++) names[c] = HeaderNames.Check(cells[c], c, file, seen);
        return names;
    }

    // A cell as the text kind inference reads: exact numbers, ISO dates (date only at midnight), true/false.
    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };
}
