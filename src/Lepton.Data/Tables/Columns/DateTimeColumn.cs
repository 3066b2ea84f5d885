using System.Globalization;

namespace Lepton.Data.Tables.Columns;

/// <summary>Points in time as UTC <see cref="DateTime"/>s (microsecond precision, as Parquet stores them); null is missing.</summary>
public sealed class DateTimeColumn : TableColumn
{
    public DateTimeColumn(string name, DateTime?[] values) : base(name, ColumnKind.DateTime)
    {
        ArgumentNullException.ThrowIfNull(values);
        for (int i = 0; i < values.Length; i++)
            if (values[i] is { } t) values[i] = Normalize(t);
        Values = values;
    }

    public DateTime?[] Values { get; }

    public override int Length => Values.Length;

    public override bool IsMissing(int row) => Values[row] is null;

    public override object? GetValue(int row) => Values[row];

    public override string? Format(int row) => Values[row]?.ToString("o", CultureInfo.InvariantCulture);

    /// <summary>Midnight as the date alone, else the time without an offset (all are UTC) and without zero fractions: lossless.</summary>
    public override string? Display(int row) => Values[row] is not { } t ? null
        : t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

    public override TableColumn Take(IReadOnlyList<int> rows)
    {
        var v = new DateTime?[rows.Count];
        for (int i = 0; i < v.Length; i++) v[i] = Values[rows[i]];
        return new DateTimeColumn(Name, v);
    }

    public override TableColumn Rename(string name) => new DateTimeColumn(name, Values);

    /// <summary>UTC (a local or unspecified time is taken as UTC), truncated to whole microseconds.</summary>
    public static DateTime Normalize(DateTime t)
    {
        var utc = t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);
    }
}
