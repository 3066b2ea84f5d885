using System.Text;
using System.Text.Json;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Reading;

/// <summary>
/// Reads JSON Lines (.jsonl, .ndjson: one flat JSON object per line, as databases and log pipelines export rows) as text cells that
/// kind inference types as it does CSV text: numbers keep the digits they were written with, booleans become true/false, null
/// and absent keys are missing. The columns are every key met, in the order first met; a key that first appears late is missing
/// in the rows before. Blank lines are skipped. Refused with the line: a line that is not an object, a nested value, invalid JSON,
/// a line over the field limit, more keys than the column limit, text that is not UTF-8.
/// </summary>
internal static class JsonLinesTableReader
{
    public static void Read(RawTable table, int fileIndex, TableReadOptions options, CancellationToken ct)
    {
        var file = table.Files[fileIndex];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < table.Columns.Count; c++) index[table.Columns[c].Name] = c;
        // Each object's longest line: one field at the limit, escaped, plus the other keys.
        int maxLine = (int)Math.Min(int.MaxValue / 2, (long)options.MaxFieldChars * 6 + (1 << 16));
        using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var seen = new bool[Math.Max(16, table.Columns.Count)];
        // Lines are found and parsed in the file's own UTF-8 bytes: no string per line, and a line's length is bounded before it is kept.
        var buffer = new byte[Math.Min(maxLine + 1, 1 << 20)];
        int filled = 0, line = 0;
        bool end = false, first = true;
        while (!end || filled > 0)
        {
            if (!end && filled < buffer.Length)
            {
                int n = stream.Read(buffer, filled, buffer.Length - filled);
                if (n == 0) end = true;
                filled += n;
            }
            if (first && filled >= 3 && buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8))
            {
                buffer.AsSpan(3, filled - 3).CopyTo(buffer);
                filled -= 3;
            }
            first = false;
            int start = 0;
            while (true)
            {
                int newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                if (newline < 0 && !(end && start < filled)) break;
                int length = newline < 0 ? filled - start : newline;
                line++;
                Row(buffer.AsSpan(start, length).TrimEnd((byte)'\r'), table, index, ref seen, file, fileIndex, line, options);
                start += newline < 0 ? length : length + 1;
                if ((line & 4095) == 0) ct.ThrowIfCancellationRequested();
            }
            // Keep the unfinished line; one longer than a row may be is refused before the buffer grows past the bound.
            int rest = filled - start;
            buffer.AsSpan(start, rest).CopyTo(buffer);
            filled = rest;
            if (!end && filled == buffer.Length)
            {
                if (buffer.Length > maxLine)
                    throw new TableReadException($"{file.Name} line {line + 1} is longer than {maxLine:N0} bytes; a row that long is not a table row (check for a missing line break).");
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxLine + 1L));
            }
            if (end && filled == 0) break;
        }
        if (table.Columns.Count == 0) throw new TableReadException($"{file.Name} holds no JSON objects; a JSON Lines table has one object per line.");
    }

    private static void Row(ReadOnlySpan<byte> text, RawTable table, Dictionary<string, int> index, ref bool[] seen, TableFile file, int fileIndex, int line,
        TableReadOptions options)
    {
        if (text.Trim(" \t"u8).IsEmpty) return;
        if (table.RowCount >= options.MaxRows)
            throw new TableReadException($"{file.Name} line {line}: the table has more than {options.MaxRows:N0} rows, the limit; read a sample, or raise the row limit.");
        Array.Clear(seen);
        ReadObject(text, table, index, ref seen, file, line, options);
        for (int c = 0; c < table.Columns.Count; c++)
            if (!seen[c]) table.Columns[c].Text.AddMissing();
        if ((long)(table.RowCount + 1) * table.Columns.Count > options.MaxCells)
            throw new TableReadException($"{file.Name} line {line}: the table has more than {options.MaxCells:N0} cells (rows x columns), the limit; read fewer keys or rows, or raise the cell limit.");
        table.Origins.Add((fileIndex, line));
    }

    // One object's keys and values into the columns; a key met for the first time becomes a column missing in every earlier row.
    private static void ReadObject(ReadOnlySpan<byte> text, RawTable table, Dictionary<string, int> index, ref bool[] seen, TableFile file, int line,
        TableReadOptions options)
    {
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = 4 });
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
        catch (InvalidOperationException)
        {
            // Utf8JsonReader finds bad UTF-8 when it transcodes a key or a string.
            throw new TableReadException($"{file.Name} line {line} is not valid UTF-8; save the file as UTF-8.");
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
}
