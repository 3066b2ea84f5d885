using System.Globalization;
using NpgsqlTypes;

namespace Lepton.Data.Tables.Writing;

/// <summary>
/// A PostgreSQL column type scored rows are written as: its SQL name and Npgsql's type. A new table's column takes the type every
/// value fits (<see cref="Merge"/>); an existing table's column keeps its own (<see cref="Of"/>), and each value is converted to it or
/// refused (<see cref="Convert"/>).
/// </summary>
internal sealed record PostgresColumnType(string Sql, NpgsqlDbType Db)
{
    public static readonly PostgresColumnType Float = new("double precision", NpgsqlDbType.Double);
    public static readonly PostgresColumnType Whole = new("bigint", NpgsqlDbType.Bigint);
    public static readonly PostgresColumnType Flag = new("boolean", NpgsqlDbType.Boolean);
    public static readonly PostgresColumnType Time = new("timestamptz", NpgsqlDbType.TimestampTz);
    public static readonly PostgresColumnType Words = new("text", NpgsqlDbType.Text);

    // The types an existing column may have, by the name format_type gives them (a length or precision after it is dropped).
    private static readonly Dictionary<string, PostgresColumnType> Existing = new(StringComparer.Ordinal)
    {
        ["double precision"] = Float,
        ["real"] = new("real", NpgsqlDbType.Real),
        ["numeric"] = new("numeric", NpgsqlDbType.Numeric),
        ["bigint"] = Whole,
        ["integer"] = new("integer", NpgsqlDbType.Integer),
        ["smallint"] = new("smallint", NpgsqlDbType.Smallint),
        ["boolean"] = Flag,
        ["timestamp with time zone"] = Time,
        ["timestamp without time zone"] = new("timestamp", NpgsqlDbType.Timestamp),
        ["date"] = new("date", NpgsqlDbType.Date),
        ["text"] = Words,
        ["character varying"] = new("character varying", NpgsqlDbType.Varchar),
        ["character"] = new("character", NpgsqlDbType.Char),
    };

    /// <summary>The type of an existing column from <c>format_type</c>'s text (<c>numeric(10,2)</c>, <c>character varying(40)</c>); null when rows cannot be written to it.</summary>
    public static PostgresColumnType? Of(string formatted)
    {
        ArgumentNullException.ThrowIfNull(formatted);
        int paren = formatted.IndexOf('(', StringComparison.Ordinal);
        string name = paren < 0 ? formatted : formatted[..paren].TrimEnd() + formatted[(formatted.IndexOf(')', paren) + 1)..];
        return Existing.GetValueOrDefault(name.Trim());
    }

    /// <summary>
    /// The type a new column takes once <paramref name="value"/> is seen, given the one its earlier values took: whole numbers are
    /// bigint until a fraction makes them double precision; kinds that do not mix (or a column of no value) are text.
    /// </summary>
    public static PostgresColumnType? Merge(PostgresColumnType? type, object? value)
    {
        PostgresColumnType? own = value switch
        {
            null => null,
            double d when double.IsNaN(d) => null,
            float f when float.IsNaN(f) => null,
            int or long => Whole,
            double d when Math.Abs(d) < 9e15 && d == Math.Floor(d) => Whole,
            double or float => Float,
            bool => Flag,
            DateTime or DateTimeOffset => Time,
            _ => Words,
        };
        if (own is null || type == own) return type;
        if (type is null) return own;
        return (type, own) is ({ Db: NpgsqlDbType.Bigint }, { Db: NpgsqlDbType.Double }) or ({ Db: NpgsqlDbType.Double }, { Db: NpgsqlDbType.Bigint }) ? Float : Words;
    }

    /// <summary>
    /// <paramref name="value"/> as this type takes it (null for a missing or non-finite number); text that reads as the column's kind
    /// is read (an identifier <c>"301"</c> into a bigint column, <c>"true"</c> into a boolean, an ISO 8601 time into a timestamp).
    /// Throws <see cref="FormatException"/> saying why when the column cannot hold it (a fraction in an integer column, a word in a
    /// number column).
    /// </summary>
    public object? Convert(object? value)
    {
        if (value is null || value is double d && !double.IsFinite(d) || value is float f && !float.IsFinite(f)) return null;
        if (value is string text && Db is not (NpgsqlDbType.Text or NpgsqlDbType.Varchar or NpgsqlDbType.Char)) value = Read(text);
        switch (Db)
        {
            case NpgsqlDbType.Text or NpgsqlDbType.Varchar or NpgsqlDbType.Char:
                return value switch
                {
                    bool b => b ? "true" : "false",
                    DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
                    IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString(),
                };
            case NpgsqlDbType.Double or NpgsqlDbType.Real or NpgsqlDbType.Numeric or NpgsqlDbType.Bigint or NpgsqlDbType.Integer or NpgsqlDbType.Smallint:
                if (value is long whole && Db is NpgsqlDbType.Bigint or NpgsqlDbType.Integer or NpgsqlDbType.Smallint) return Integer(whole);
                if (value is decimal exact && Db == NpgsqlDbType.Numeric) return exact;
                double number = value switch
                {
                    double x => x,
                    float x => x,
                    decimal x => (double)x,
                    int x => x,
                    long x => x,
                    short x => x,
                    byte x => x,
                    _ => throw new FormatException("is not a number"),
                };
                return Db switch
                {
                    NpgsqlDbType.Double => number,
                    NpgsqlDbType.Real => float.IsFinite((float)number) ? (float)number : throw new FormatException("is outside the column's range"),
                    NpgsqlDbType.Numeric => Math.Abs(number) < 7.9e28 ? (decimal)number : throw new FormatException("is outside the column's range"),
                    _ => Integer(number),
                };
            case NpgsqlDbType.Boolean:
                return value as bool? ?? throw new FormatException("is not true or false");
            case NpgsqlDbType.TimestampTz or NpgsqlDbType.Timestamp or NpgsqlDbType.Date:
                DateTime utc = value switch
                {
                    DateTime t => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc),
                    DateTimeOffset t => t.UtcDateTime,
                    _ => throw new FormatException("is not a date or time"),
                };
                return Db switch
                {
                    NpgsqlDbType.TimestampTz => utc,
                    NpgsqlDbType.Timestamp => DateTime.SpecifyKind(utc, DateTimeKind.Unspecified),
                    _ => DateOnly.FromDateTime(utc),
                };
            default:
                return value;
        }
    }

    // Text as the column's kind would have it, or as it is (and refused by Convert) when it does not read so.
    private object Read(string text)
    {
        const NumberStyles Number = NumberStyles.Float;
        var invariant = CultureInfo.InvariantCulture;
        return Db switch
        {
            NpgsqlDbType.Bigint or NpgsqlDbType.Integer or NpgsqlDbType.Smallint when long.TryParse(text, NumberStyles.Integer, invariant, out long n) => n,
            NpgsqlDbType.Numeric when decimal.TryParse(text, Number, invariant, out decimal m) => m,
            NpgsqlDbType.Double or NpgsqlDbType.Real or NpgsqlDbType.Numeric or NpgsqlDbType.Bigint or NpgsqlDbType.Integer or NpgsqlDbType.Smallint
                when double.TryParse(text, Number, invariant, out double x) => x,
            NpgsqlDbType.Boolean when bool.TryParse(text, out bool b) => b,
            NpgsqlDbType.TimestampTz or NpgsqlDbType.Timestamp or NpgsqlDbType.Date
                when DateTime.TryParse(text, invariant, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) => t,
            _ => text,
        };
    }

    // A whole number in the integer column's range.
    private object Integer(double number)
    {
        if (number != Math.Floor(number)) throw new FormatException("is not a whole number");
        if (!(Math.Abs(number) < 9.2e18)) throw new FormatException("is outside the column's range");
        return Integer((long)number);
    }

    private object Integer(long number)
    {
        long high = Db switch
        {
            NpgsqlDbType.Smallint => short.MaxValue,
            NpgsqlDbType.Integer => int.MaxValue,
            _ => long.MaxValue,
        };
        if (number > high || number < -high - 1) throw new FormatException("is outside the column's range");
        return Db switch
        {
            NpgsqlDbType.Smallint => (short)number,
            NpgsqlDbType.Integer => (int)number,
            _ => (object)number,
        };
    }
}
