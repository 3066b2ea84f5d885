using System.Text.Json;

namespace Lepton.Data.Tables;

/// <summary>
/// A table row kept as a JSON object (the prediction log's raw input of a table model): column name → number (double), string,
/// boolean or null. Monitoring reads live rows with it and the loop turns logged rows back into table data.
/// </summary>
public static class TableRowJson
{
    /// <summary>The row, or null when <paramref name="json"/> is absent or not a flat JSON object (nested values are skipped).</summary>
    public static IReadOnlyDictionary<string, object?>? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json) || json[0] != '{') return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.Number: row[p.Name] = p.Value.GetDouble(); break;
                    case JsonValueKind.String: row[p.Name] = p.Value.GetString(); break;
                    case JsonValueKind.True: row[p.Name] = true; break;
                    case JsonValueKind.False: row[p.Name] = false; break;
                    case JsonValueKind.Null: row[p.Name] = null; break;
                }
            }
            return row;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
