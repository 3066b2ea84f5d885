using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// A date-time column as numeric parts (year, month, day of week, hour, ...; day of week 0 = Sunday, all in UTC).
/// Trees: each part as it is, NaN when missing. Linear: each part imputed with its training median and standardized.
/// </summary>
public sealed class DateTimeEncoder : ColumnEncoder
{
    public DateTimeEncoder(string column, EncoderMode mode, bool missingIndicator, IReadOnlyList<DatePart> parts,
        IReadOnlyList<double> medians, IReadOnlyList<double> means, IReadOnlyList<double> stds)
        : base(column, ColumnKind.DateTime, mode, missingIndicator)
    {
        if (parts.Count == 0 || medians.Count != parts.Count || means.Count != parts.Count || stds.Count != parts.Count)
            throw new ArgumentException($"Column '{column}': {parts.Count} date parts need as many medians, means and stds, got {medians.Count}, {means.Count}, {stds.Count}.");
        if (parts.Distinct().Count() != parts.Count) throw new ArgumentException($"Column '{column}' lists a date part twice.", nameof(parts));
        if (medians.Concat(means).Concat(stds).Any(v => !double.IsFinite(v)) || stds.Any(s => s <= 0))
            throw new ArgumentException($"Column '{column}': date part statistics must be finite and stds > 0.");
        Parts = parts;
        Medians = medians;
        Means = means;
        Stds = stds;
        var names = parts.Select(p => $"{column}.{PartName(p)}").ToList();
        if (missingIndicator) names.Add(IndicatorName);
        FeatureNames = names;
    }

    public IReadOnlyList<DatePart> Parts { get; }

    public IReadOnlyList<double> Medians { get; }

    public IReadOnlyList<double> Means { get; }

    public IReadOnlyList<double> Stds { get; }

    public override IReadOnlyList<string> FeatureNames { get; }

    public static DateTimeEncoder Fit(TableColumn column, EncoderMode mode, bool missingIndicator, IReadOnlyList<DatePart> parts)
    {
        var values = parts.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < column.Length; r++)
            if (CellValues.ToTime(column.GetValue(r), column.Name) is { } t)
                for (int p = 0; p < parts.Count; p++) values[p].Add(Part(t, parts[p]));
        var moments = values.Select(NumericEncoder.Moments).ToArray();
        return new DateTimeEncoder(column.Name, mode, missingIndicator, parts,
            [.. moments.Select(m => m.Median)], [.. moments.Select(m => m.Mean)], [.. moments.Select(m => m.Std)]);
    }

    public static string PartName(DatePart part) => part switch
    {
        DatePart.Year => "year",
        DatePart.Month => "month",
        DatePart.Day => "day",
        DatePart.DayOfWeek => "day_of_week",
        DatePart.DayOfYear => "day_of_year",
        DatePart.Hour => "hour",
        DatePart.Minute => "minute",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "Unknown date part."),
    };

    public static DatePart ParsePart(string name)
    {
        foreach (var p in Enum.GetValues<DatePart>()) if (PartName(p) == name) return p;
        throw new FormatException($"Unknown date part '{name}'; expected one of {string.Join(", ", Enum.GetValues<DatePart>().Select(PartName))}.");
    }

    internal static double Part(DateTime t, DatePart part) => part switch
    {
        DatePart.Year => t.Year,
        DatePart.Month => t.Month,
        DatePart.Day => t.Day,
        DatePart.DayOfWeek => (int)t.DayOfWeek,
        DatePart.DayOfYear => t.DayOfYear,
        DatePart.Hour => t.Hour,
        _ => t.Minute,
    };

    internal override void EncodeCell(TableColumn column, int row, Span<float> destination)
    {
        if (column is DateTimeColumn d) Encode(d.Values[row], destination);
        else EncodeValue(column.GetValue(row), destination);
    }

    internal override void EncodeValue(object? value, Span<float> destination) => Encode(CellValues.ToTime(value, Column), destination);

    private void Encode(DateTime? t, Span<float> destination)
    {
        for (int p = 0; p < Parts.Count; p++)
        {
            if (Mode == EncoderMode.Trees) destination[p] = t is { } v ? (float)Part(v, Parts[p]) : float.NaN;
            else destination[p] = (float)(((t is { } v2 ? Part(v2, Parts[p]) : Medians[p]) - Means[p]) / Stds[p]);
        }
        if (MissingIndicator) destination[Parts.Count] = t is null ? 1f : 0f;
    }
}
