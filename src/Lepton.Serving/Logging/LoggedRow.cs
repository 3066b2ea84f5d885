using System.Text.Json;

namespace Lepton.Serving.Logging;

/// <summary>
/// A table row as the prediction log keeps it: a compact JSON object of the model's columns (numbers, strings, booleans, null),
/// each text clipped to <see cref="MaxLoggedChars"/> so a row's log entry stays small whatever the client sent.
/// </summary>
public static class LoggedRow
{
    /// <summary>The longest text a logged cell keeps.</summary>
    public const int MaxLoggedChars = 256;

    /// <summary>The marker the log's input statistics carry for a table row (the row itself is the raw input).</summary>
    public const string StatisticsJson = "{\"table_row\":true}";

    public static string Json(IReadOnlyDictionary<string, object?> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (name, value) in row)
            {
                w.WritePropertyName(name);
                switch (value)
                {
                    case null: w.WriteNullValue(); break;
                    case bool b: w.WriteBooleanValue(b); break;
                    case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
                    case double: w.WriteNullValue(); break;
                    case string s: w.WriteStringValue(s.Length > MaxLoggedChars ? s[..MaxLoggedChars] : s); break;
                    default: w.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                }
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
