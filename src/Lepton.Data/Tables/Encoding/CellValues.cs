using System.Globalization;
using System.Text.Json;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// Turns one cell given as an object (a value from a table, or from a JSON request: numbers, strings, booleans, dates,
/// <see cref="JsonElement"/>s, null) into the typed value an encoder needs; a value of the wrong type is an
/// <see cref="ArgumentException"/> naming the column.
/// </summary>
public static class CellValues
{
    /// <summary>A number (NaN when missing): numbers and numeric strings; for boolean columns also true/false (1/0) and yes/no.</summary>
    public static double ToNumber(object? value, string column, ColumnKind kind)
    {
        switch (value)
        {
            case null: return double.NaN;
            case double d: return Finite(d, column);
            case float f: return Finite(f, column);
            case int or long or short or sbyte or byte or uint or ulong or ushort or decimal:
                return System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
            case bool b when kind == ColumnKind.Boolean: return b ? 1 : 0;
            case bool b: throw Wrong(column, kind, b ? "true" : "false");
            case string s:
                if (TableValues.IsMissing(s)) return double.NaN;
                if (TableValues.TryParseNumber(s, out double v)) return v;
                if (kind == ColumnKind.Boolean && TableValues.TryParseBoolean(s, out bool yes)) return yes ? 1 : 0;
                throw Wrong(column, kind, $"the string {Quote(s)}");
            case JsonElement e:
                return e.ValueKind switch
                {
                    JsonValueKind.Null or JsonValueKind.Undefined => double.NaN,
                    JsonValueKind.Number => Finite(e.GetDouble(), column),
                    JsonValueKind.True or JsonValueKind.False => ToNumber(e.ValueKind == JsonValueKind.True, column, kind),
                    JsonValueKind.String => ToNumber(e.GetString(), column, kind),
                    _ => throw Wrong(column, kind, $"a JSON {e.ValueKind.ToString().ToLowerInvariant()}"),
                };
            default: throw Wrong(column, kind, $"a {value.GetType().Name}");
        }
    }

    /// <summary>A category as text (null when missing): strings, and numbers or booleans written as a table would hold them.</summary>
    public static string? ToCategory(object? value, string column)
    {
        switch (value)
        {
            case null: return null;
            case string s: return TableValues.IsMissing(s) ? null : s;
            case double or float or int or long or short or sbyte or byte or uint or ulong or ushort or decimal:
                double d = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return double.IsNaN(d) ? null : NumericColumn.FormatNumber(d);
            case bool b: return b ? "true" : "false";
            case JsonElement e:
                return e.ValueKind switch
                {
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    JsonValueKind.String => ToCategory(e.GetString(), column),
                    JsonValueKind.Number => NumericColumn.FormatNumber(e.GetDouble()),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => throw Wrong(column, ColumnKind.Categorical, $"a JSON {e.ValueKind.ToString().ToLowerInvariant()}"),
                };
            default: throw Wrong(column, ColumnKind.Categorical, $"a {value.GetType().Name}");
        }
    }

    /// <summary>A UTC time (null when missing): DateTime, DateTimeOffset, DateOnly, or ISO 8601 text.</summary>
    public static DateTime? ToTime(object? value, string column)
    {
        switch (value)
        {
            case null: return null;
            case DateTime t: return DateTimeColumn.Normalize(t);
            case DateTimeOffset o: return DateTimeColumn.Normalize(o.UtcDateTime);
            case DateOnly d: return d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            case string s:
                if (TableValues.IsMissing(s)) return null;
                return TableValues.TryParseDateTime(s, out var parsed) ? parsed : throw Wrong(column, ColumnKind.DateTime, $"the string {Quote(s)}");
            case JsonElement e:
                return e.ValueKind switch
                {
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    JsonValueKind.String => ToTime(e.GetString(), column),
                    _ => throw Wrong(column, ColumnKind.DateTime, $"a JSON {e.ValueKind.ToString().ToLowerInvariant()}"),
                };
            default: throw Wrong(column, ColumnKind.DateTime, $"a {value.GetType().Name}");
        }
    }

    private static double Finite(double d, string column) =>
        double.IsNaN(d) ? double.NaN
        : double.IsFinite(d) ? d
        : throw new ArgumentException($"Column '{column}' got {d.ToString(CultureInfo.InvariantCulture)}; send a finite number, or null for missing.");

    private static string Quote(string s) => s.Length > 40 ? $"'{s[..40]}...'" : $"'{s}'";

    private static ArgumentException Wrong(string column, ColumnKind kind, string got) => new(kind switch
    {
        ColumnKind.Numeric => $"Column '{column}' expects a number, got {got}; send a number (or null for missing).",
        ColumnKind.Boolean => $"Column '{column}' expects a boolean, got {got}; send true/false (or 1/0, or null for missing).",
        ColumnKind.DateTime => $"Column '{column}' expects a date-time, got {got}; send ISO 8601 text such as \"2024-03-01T12:30:00Z\" (or null for missing).",
        _ => $"Column '{column}' expects a category (text), got {got}; send a string (or null for missing).",
    });
}
