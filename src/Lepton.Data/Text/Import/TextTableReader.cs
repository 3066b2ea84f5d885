using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;

namespace Lepton.Data.Text.Import;

/// <summary>One row of a text table: its 1-based data row number, its raw text (null when refused, with the reason), labels, split and group.</summary>
public sealed record TextTableRow(int Row, string? Text, IReadOnlyList<string> Labels, string? Split, string? Group, string? Refusal);

/// <summary>
/// Reads a CSV (RFC 4180, quoted fields may span lines; ',' or the separator its header uses most; read with Sep) or JSONL
/// table of texts: the text column, one or more label columns and optional <c>split</c> and <c>group</c> columns. Labels: with one label column its value is the
/// label (a JSON array, or <c>a|b</c> in CSV, gives several); with several label columns each is an indicator
/// (1/true/yes: the column's name is a label) unless its value is not boolean, when the value itself is the label.
/// The table's size is bounded before reading; a JSONL line or a cell longer than the per-text limit is refused.
/// </summary>
public static class TextTableReader
{
    public static bool IsTable(string path) =>
        File.Exists(path) && (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<TextTableRow> Read(string path, TextImportOptions options, CancellationToken ct = default)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path} does not exist.");
        if (info.Length > options.MaxTableBytes)
            throw new TextImportException($"{info.Name} is {info.Length:N0} bytes, more than the {options.MaxTableBytes:N0} allowed for one table; nothing was imported. Split it into smaller tables.");
        if (options.TextColumn is null)
            throw new TextImportException($"{info.Name} is a table: name its text column with --text-column (and its labels with --label-column).");
        if (!options.ReplaceInvalid) CheckUtf8(path);
        return path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? Csv(path, options, ct) : Jsonl(path, options, ct).ToList();
    }

    // A list, not an iterator: Sep's rows are ref structs, which cannot live across a yield.
    private static List<TextTableRow> Csv(string path, TextImportOptions options, CancellationToken ct)
    {
        var rows = new List<TextTableRow>();
        string name = Path.GetFileName(path);
        // The separator as a table import reads it: the one of , ; tab | the header uses most.
        using var reader = Sep.New(Tables.Reading.CsvSeparator.SniffFile(path)).Reader(o => o with { Unescape = true }).FromFile(path);
        var header = reader.Header.ColNames;
        int text = Column(header, options.TextColumn!, name);
        var labels = (options.LabelColumns ?? []).Select(c => Column(header, c, name)).ToArray();
        int split = IndexOf(header, "split"), group = IndexOf(header, "group");
        int row = 0;
        foreach (var r in reader)
        {
            ct.ThrowIfCancellationRequested();
            row++;
            if (row > options.MaxFiles)
                throw new TextImportException($"{name} has more than {options.MaxFiles:N0} rows; nothing was imported. Raise --max-files if the table really is that large.");
            var span = r[text].Span;
            string? value = span.Length > options.MaxChars ? null : span.ToString();
            var labelValues = new string[labels.Length];
            for (int k = 0; k < labels.Length; k++) labelValues[k] = r[labels[k]].ToString();
            var labelList = Labels(labelValues, options.LabelColumns ?? [], csv: true);
            rows.Add(new TextTableRow(row, value, labelList, split >= 0 ? Empty(r[split].ToString()) : null, group >= 0 ? Empty(r[group].ToString()) : null,
                value is null ? $"{name} row {row}: the text has {span.Length:N0} characters, more than the {options.MaxChars:N0} allowed" : null));
        }
        return rows;
    }

    private static IEnumerable<TextTableRow> Jsonl(string path, TextImportOptions options, CancellationToken ct)
    {
        string name = Path.GetFileName(path);
        // A line may hold the text escaped (up to 6 bytes per character) plus the other fields.
        long maxLine = Math.Min(int.MaxValue - 1, (long)options.MaxChars * 6 + (1 << 16));
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int row = 0, line = 0;
        foreach (var (bytes, tooLong) in BoundedLines(stream, (int)maxLine))
        {
            ct.ThrowIfCancellationRequested();
            line++;
            if (!tooLong && bytes.AsSpan().Trim(" \t\r"u8).IsEmpty) continue;
            row++;
            if (row > options.MaxFiles)
                throw new TextImportException($"{name} has more than {options.MaxFiles:N0} rows; nothing was imported. Raise --max-files if the table really is that large.");
            if (tooLong)
            {
                yield return new TextTableRow(row, null, [], null, null, $"{name} line {line} is longer than {maxLine:N0} bytes (the text limit is {options.MaxChars:N0} characters)");
                continue;
            }
            JsonElement e;
            try { e = JsonDocument.Parse(bytes).RootElement; }
            catch (JsonException ex) { throw new TextImportException($"{name} line {line} is not JSON ({ex.Message}); each line is an object such as {{\"{options.TextColumn}\": \"...\", \"label\": \"...\"}}. Nothing was imported."); }
            if (e.ValueKind != JsonValueKind.Object)
                throw new TextImportException($"{name} line {line} is not a JSON object; nothing was imported.");
            if (!e.TryGetProperty(options.TextColumn!, out var t) || t.ValueKind != JsonValueKind.String)
                throw new TextImportException($"{name} line {line} has no string field '{options.TextColumn}' (--text-column); nothing was imported.");
            var text = t.GetString()!;
            var labelColumns = options.LabelColumns ?? [];
            var labels = new List<string>();
            if (labelColumns.Count == 1 && e.TryGetProperty(labelColumns[0], out var lv) && lv.ValueKind == JsonValueKind.Array)
                labels.AddRange(lv.EnumerateArray().Select(Scalar).OfType<string>());
            else
                labels.AddRange(Labels([.. labelColumns.Select(c => e.TryGetProperty(c, out var v) ? Scalar(v) ?? "" : "")], labelColumns, csv: false));
            string? Str(string key) => e.TryGetProperty(key, out var v) ? Empty(Scalar(v)) : null;
            yield return new TextTableRow(row, text.Length > options.MaxChars ? null : text, Distinct(labels), Str("split"), Str("group"),
                text.Length > options.MaxChars ? $"{name} line {line}: the text has {text.Length:N0} characters, more than the {options.MaxChars:N0} allowed" : null);
        }
    }

    // A table is one file: bytes that are not UTF-8 refuse it whole (naming the offset) rather than mangle some rows.
    private static void CheckUtf8(string path)
    {
        var decoder = new UTF8Encoding(false, true).GetDecoder();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var bytes = new byte[1 << 16];
        var chars = new char[(1 << 16) + 4];
        long offset = 0;
        int n;
        try
        {
            while ((n = stream.Read(bytes, 0, bytes.Length)) > 0)
            {
                decoder.GetChars(bytes, 0, n, chars, 0, flush: false);
                offset += n;
            }
            decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
        }
        catch (DecoderFallbackException e)
        {
            throw new TextImportException($"{Path.GetFileName(path)} is not valid UTF-8 near byte {offset + Math.Max(0, e.Index):N0}; nothing was imported. Convert it to UTF-8, or pass --invalid replace to store U+FFFD for the bad bytes.");
        }
    }

    /// <summary>The SHA-256 of a row's identity (text and labels), so an edited row gives a new version.</summary>
    public static string RowHash(string? text, IReadOnlyList<string> labels, string? split, string? group) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new object?[] { text, labels, split, group }))));

    internal static IReadOnlyList<string> Labels(string[] values, IReadOnlyList<string> columns, bool csv)
    {
        if (columns.Count == 0) return [];
        if (columns.Count == 1)
        {
            var v = values[0].Trim();
            if (v.Length == 0) return [];
            return csv && v.Contains('|') ? Distinct(v.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : [v];
        }
        var labels = new List<string>();
        for (int i = 0; i < columns.Count; i++)
        {
            var v = values[i].Trim();
            switch (v.ToLowerInvariant())
            {
                case "1" or "true" or "yes" or "1.0": labels.Add(columns[i]); break;
                case "0" or "false" or "no" or "0.0" or "": break;
                default: labels.Add(v); break;
            }
        }
        return Distinct(labels);
    }

    private static IReadOnlyList<string> Distinct(IEnumerable<string> labels) => [.. labels.Distinct(StringComparer.Ordinal)];

    private static string? Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static int IndexOf(IReadOnlyList<string> header, string column)
    {
        for (int i = 0; i < header.Count; i++)
            if (header[i].Trim().Equals(column, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static int Column(IReadOnlyList<string> header, string column, string name)
    {
        int i = IndexOf(header, column);
        if (i < 0) throw new TextImportException($"{name} has no column '{column}'; its columns are: {string.Join(", ", header)}.");
        return i;
    }

    // Lines of at most max bytes; a longer line is skipped to its end (never held in memory) and reported as too long.
    private static IEnumerable<(byte[] Line, bool TooLong)> BoundedLines(Stream stream, int max)
    {
        var buffer = new MemoryStream();
        bool tooLong = false;
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (chunk[i] != '\n') continue;
                if (!tooLong) buffer.Write(chunk, start, i - start);
                if (!tooLong && buffer.Length > max) tooLong = true;
                yield return (tooLong ? [] : buffer.ToArray(), tooLong);
                buffer.SetLength(0);
                tooLong = false;
                start = i + 1;
            }
            if (!tooLong) buffer.Write(chunk, start, n - start);
            if (buffer.Length > max) { tooLong = true; buffer.SetLength(0); }
        }
        if (tooLong || buffer.Length > 0) yield return (tooLong ? [] : buffer.ToArray(), tooLong);
    }
}
