using System.Text;
using System.Text.Json;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Reading;

/// <summary>
/// Reads JSON Lines (.jsonl, .ndjson: one flat JSON object per line, as databases and log pipelines export rows) as text cells that
/// kind inference types as it does CSV text: numbers keep the digits they were written with, booleans become true/false, null
/// and absent keys are missing. The columns are every key met, in the order first met; a key that first appears late is missing
/// in the rows before. Blank lines are skipped. Refused with the line: a line that is not an object, a nested value, invalid JSON,
/// a line over the field limit, more keys than the column limit.
/// </summary>
internal static class JsonLinesTableReader
{
    public static void Read(RawTable table, int fileIndex, TableReadOptions options, CancellationToken ct)
    {
        var file = table.Files[fileIndex];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < table.Columns.Count; c++) index[table.Columns[c].Name] = c;
        // Each object's longest line: one field at the limit, escaped, plus the other keys.
        long maxLine = Math.Min(int.MaxValue / 2, (long)options.MaxFieldChars * 6 + (1 << 16));
        using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var lines = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, 1 << 16);
        var seen = new bool[Math.Max(16, table.Columns.Count)];
        int line = 0;
        try
        {
            while (ReadLine(lines, maxLine, file, line + 1) is { } text)
            {
                line++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                if (table.RowCount >= options.MaxRows)
                    throw new TableReadException($"{file.Name} line {line}: the table has more than {options.MaxRows:N0} rows, the limit; read a sample, or raise the row limit.");
                Array.Clear(seen);
                ReadObject(text, table, index, ref seen, file, line, options);
                for (int c = 0; c < table.Columns.Count; c++)
                    if (!seen[c]) table.Columns[c].Text.AddMissing();
                if ((long)(table.RowCount + 1) * table.Columns.Count > options.MaxCells)
                    throw new TableReadException($"{file.Name} line {line}: the table has more than {options.MaxCells:N0} cells (rows x columns), the limit; read fewer keys or rows, or raise the cell limit.");
                table.Origins.Add((fileIndex, line));
                if ((table.RowCount & 4095) == 0) ct.ThrowIfCancellationRequested();
            }
        }
        catch (DecoderFallbackException)
        {
            throw new TableReadException($"{file.Name} line {line + 1} is not valid UTF-8; save the file as UTF-8.");
        }
        if (table.Columns.Count == 0) throw new TableReadException($"{file.Name} holds no JSON objects; a JSON Lines table has one object per line.");
    }

    // One object's keys and values into the columns; a key met for the first time becomes a column missing in every earlier row.
    private static void ReadObject(string text, RawTable table, Dictionary<string, int> index, ref bool[] seen, TableFile file, int line, TableReadOptions options)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = 4 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new TableReadException($"{file.Name} line {line} is not a JSON object; a JSON Lines table has one {{\"column\": value, ...}} object per line.");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string key = reader.GetString()!;
                reader.Read();
                if (!index.TryGetValue(key, out int c))
                {
                    c = AddColumn(table, key, file, line, options);
                    index[key] = c;
                    if (c >= seen.Length) Array.Resize(ref seen, seen.Length * 2);
                }
                if (seen[c]) throw new TableReadException($"{file.Name} line {line} has the key '{key}' twice.");
                seen[c] = true;
                var cells = table.Columns[c].Text;
                switch (reader.TokenType)
                {
                    case JsonTokenType.Null:
                        cells.AddMissing();
                        break;
                    case JsonTokenType.True or JsonTokenType.False:
                        cells.Add(reader.TokenType == JsonTokenType.True ? "true" : "false");
                        break;
                    case JsonTokenType.Number:
                        cells.Add(System.Text.Encoding.UTF8.GetString(reader.ValueSpan));
                        break;
                    case JsonTokenType.String:
                        string value = reader.GetString()!;
                        if (value.Length > options.MaxFieldChars)
                            throw new TableReadException($"{file.Name} line {line}, key '{key}': a value of {value.Length:N0} characters, over the limit of {options.MaxFieldChars:N0}; shorten it, or raise the field limit.");
                        if (TableValues.IsMissing(value)) cells.AddMissing();
                        else cells.Add(value);
                        break;
                    default:
                        throw new TableReadException($"{file.Name} line {line}, key '{key}': a nested {(reader.TokenType == JsonTokenType.StartArray ? "array" : "object")}; a table holds one value per column. Flatten it before importing.");
                }
            }
            // Reading on past the object makes the reader refuse what follows it on the line (a second value), as invalid JSON.
            reader.Read();
        }
        catch (JsonException e)
        {
            throw new TableReadException($"{file.Name} line {line} is not valid JSON ({e.Message}); fix or remove that line.");
        }
    }

    private static int AddColumn(RawTable table, string key, TableFile file, int line, TableReadOptions options)
    {
        if (table.Columns.Count >= options.MaxColumns)
            throw new TableReadException($"{file.Name} line {line}: the key '{key}' makes more than {options.MaxColumns:N0} columns, the limit; read fewer keys, or raise the column limit.");
        if (key.Trim().Length == 0) throw new TableReadException($"{file.Name} line {line} has an empty key; name every value.");
        if (key.Length > 1024) throw new TableReadException($"{file.Name} line {line} has a key of {key.Length:N0} characters; a column name is at most 1,024.");
        if (key.StartsWith(TableStorageNames.Prefix, StringComparison.Ordinal))
            throw new TableReadException($"{file.Name} line {line}: the key '{key}' starts with '{TableStorageNames.Prefix}', which Lepton reserves; rename it.");
        var column = new RawColumn(key, RawKind.Strings, parseNumbers: false);
        for (int r = 0; r < table.RowCount; r++) column.Text.AddMissing();
        table.Columns.Add(column);
        return table.Columns.Count - 1;
    }

    // A line of at most maxLine characters; null at the end of the file.
    private static string? ReadLine(StreamReader reader, long maxLine, TableFile file, int line)
    {
        var text = new StringBuilder();
        while (true)
        {
            int c = reader.Read();
            if (c < 0) return text.Length == 0 && reader.EndOfStream ? null : text.ToString();
            if (c == '\n') return text.ToString();
            if (c == '\r') continue;
            if (text.Length >= maxLine)
                throw new TableReadException($"{file.Name} line {line} is longer than {maxLine:N0} characters; a row that long is not a table row (check for a missing line break).");
            text.Append((char)c);
        }
    }
}
