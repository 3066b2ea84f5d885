using System.Text;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Runtime.Tables;
using nietras.SeparatedValues;

namespace Lepton.Serving.Protocol;

/// <summary>
/// Reads a <c>text/csv</c> body sent to a table model (<c>curl --data-binary @rows.csv -H 'Content-Type: text/csv'</c>): a header
/// naming the columns, then one row per line, read as <c>lepton data import</c> reads a file (the separator of , ; tab | that the
/// header uses most; a ';'-separated body takes decimal commas; empty fields and the missing words are missing). Each model
/// column's text becomes the value its kind takes (a number, true/false, text), so a cell that is not one is refused by the
/// model's encoders naming the row and column, as a JSON row would be. Bounded as JSON rows are: <see cref="TableInputEncoder.MaxCellChars"/>
/// per cell, <see cref="TableInputEncoder.MaxKeysPerRow"/> columns, the server's element limit over all cells.
/// </summary>
public static class TableCsvParser
{
    private static readonly UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static TableInstancesRequest Parse(byte[] body, TableInputEncoder table, InferenceParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(table);
        string text;
        try
        {
            text = Utf8Strict.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw ProtocolException.BadRequest("The text/csv body is not valid UTF-8; send it as UTF-8.");
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        char separator = CsvSeparator.Sniff(text);
        bool decimalComma = separator == ';';
        var kinds = table.Columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        var ignored = new SortedSet<string>(StringComparer.Ordinal);
        string[]? header = null;
        long cells = 0;
        try
        {
            using var reader = Sep.New(separator).Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true }).FromText(text);
            foreach (var row in reader)
            {
                if (header is null)
                {
                    header = Header(row, table);
                    foreach (var name in header.Where(n => !table.IsColumn(n) && !table.IsLogged(n)).Take(TableInstancesParser.MaxIgnoredListed))
                        ignored.Add(InferenceRequestParser.Clip(name));
                    continue;
                }
                if (row.ColCount == 1 && header.Length > 1 && row[0].Span.IsWhiteSpace()) continue; // a blank line
                if (row.ColCount != header.Length)
                    throw ProtocolException.BadRequest($"CSV line {row.LineNumberFrom} has {row.ColCount:N0} fields but the header has {header.Length:N0}.");
                if ((cells += row.ColCount) > options.MaxElements)
                    throw ProtocolException.BadRequest($"The rows hold more than {options.MaxElements:N0} values, the server's limit; send fewer rows per request.");
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int c = 0; c < header.Length; c++)
                {
                    // A column the model does not read is kept only when its log keeps it (read as a number when it is one).
                    if (!kinds.TryGetValue(header[c], out var kind))
                    {
                        if (!table.IsLogged(header[c])) continue;
                        kind = ColumnKind.Numeric;
                    }
                    var cell = row[c].Span;
                    if (cell.Length > TableInputEncoder.MaxCellChars)
                        throw ProtocolException.BadRequest($"CSV line {row.LineNumberFrom} column '{InferenceRequestParser.Clip(header[c])}' holds more than {TableInputEncoder.MaxCellChars:N0} characters, the limit of one cell.");
                    values[header[c]] = Value(cell, kind, decimalComma);
                }
                rows.Add(values);
            }
        }
        catch (NotSupportedException e)
        {
            throw ProtocolException.BadRequest($"The CSV body has a row longer than the reader supports ({e.Message}); look for an unclosed quote.");
        }
        if (header is null || rows.Count == 0) throw ProtocolException.BadRequest("No rows: send a header line naming the columns, then one line per row.");
        return new TableInstancesRequest(rows, [.. ignored], TopK: null, Contributions: false, Strict: false);
    }

    private static string[] Header(SepReader.Row row, TableInputEncoder table)
    {
        if (row.ColCount > table.MaxKeysPerRow)
            throw ProtocolException.BadRequest($"The CSV header has {row.ColCount:N0} columns, more than {table.MaxKeysPerRow:N0}, the limit for a model of {table.Columns.Count} columns; send the model's columns.");
        var names = new string[row.ColCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < names.Length; c++)
        {
            var span = row[c].Span.Trim();
            if (span.Length > TableInputEncoder.MaxCellChars)
                throw ProtocolException.BadRequest($"CSV header column {c + 1} is longer than {TableInputEncoder.MaxCellChars:N0} characters; does the body start with a header line?");
            names[c] = span.ToString();
            if (!seen.Add(names[c])) throw ProtocolException.BadRequest($"The CSV header names '{InferenceRequestParser.Clip(names[c])}' twice; send each column once.");
        }
        return names;
    }

    // The value a JSON row would carry for this kind; text that is not one stays text, for the encoders to refuse by name.
    private static object? Value(ReadOnlySpan<char> cell, ColumnKind kind, bool decimalComma)
    {
        if (TableValues.IsMissing(cell)) return null;
        switch (kind)
        {
            case ColumnKind.Numeric:
                if (TableValues.TryParseCsvNumber(cell, decimalComma, out double d)) return d;
                break;
            case ColumnKind.Boolean:
                if (TableValues.TryParseBoolean(cell, out bool b)) return b;
                break;
        }
        return cell.Trim().ToString();
    }
}
