using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// A date-time column as numeric parts (year, month, day of week, hour, ...; day of week 0 = Sunday, all in UTC).
/// Trees: each part as it is, NaN when missing. Linear: each part imputed with its training median and standardized, except
/// the cyclic ones (day of week, month, hour), which become one indicator per value seen in training: a weekly or yearly
/// pattern is not a straight line in the part's number (Sunday, 0, sells like Saturday, 6), so a linear model needs each value's own weight.
/// </summary>
public sealed class DateTimeEncoder : ColumnEncoder
{
    /// <summary>The parts a linear encoding spreads over indicators.</summary>
    public static IReadOnlyList<DatePart> CyclicParts { get; } = [DatePart.DayOfWeek, DatePart.Month, DatePart.Hour];

    public DateTimeEncoder(string column, EncoderMode mode, bool missingIndicator, IReadOnlyList<DatePart> parts,
        IReadOnlyList<double> medians, IReadOnlyList<double> means, IReadOnlyList<double> stds,
        IReadOnlyDictionary<DatePart, IReadOnlyList<int>>? levels = null)
        : base(column, ColumnKind.DateTime, mode, missingIndicator)
    {
        if (parts.Count == 0 || medians.Count != parts.Count || means.Count != parts.Count || stds.Count != parts.Count)
            throw new ArgumentException($"Column '{column}': {parts.Count} date parts need as many medians, means and stds, got {medians.Count}, {means.Count}, {stds.Count}.");
        if (parts.Distinct().Count() != parts.Count) throw new ArgumentException($"Column '{column}' lists a date part twice.", nameof(parts));
        if (medians.Concat(means).Concat(stds).Any(v => !double.IsFinite(v)) || stds.Any(s => s <= 0))
            throw new ArgumentException($"Column '{column}': date part statistics must be finite and stds > 0.");
        Levels = levels ?? new Dictionary<DatePart, IReadOnlyList<int>>();
        foreach (var (part, values) in Levels)
        {
            if (mode != EncoderMode.Linear || !parts.Contains(part) || !CyclicParts.Contains(part))
                throw new ArgumentException($"Column '{column}': only a linear encoding spreads a listed cyclic part ({string.Join(", ", CyclicParts.Select(PartName))}) over indicators, not {PartName(part)}.");
            if (values.Count == 0 || values.Distinct().Count() != values.Count)
                throw new ArgumentException($"Column '{column}': the {PartName(part)} indicators need distinct values, got [{string.Join(", ", values)}].");
        }
        Parts = parts;
        // Looked up once here, not per cell: the indicator values of each part, by position (null: a number).
        _partLevels = [.. parts.Select(p => Levels.TryGetValue(p, out var v) ? v : null)];
        Medians = medians;
        Means = means;
        Stds = stds;
        var names = new List<string>();
        foreach (var p in parts)
        {
            if (Levels.TryGetValue(p, out var values)) names.AddRange(values.Select(v => $"{column}.{PartName(p)}={v}"));
            else names.Add($"{column}.{PartName(p)}");
        }
        if (missingIndicator) names.Add(IndicatorName);
        FeatureNames = names;
    }

    private readonly IReadOnlyList<int>?[] _partLevels;

    /// <summary>The cyclic parts encoded as indicators, with the values seen in training (one feature each, in this order).</summary>
    public IReadOnlyDictionary<DatePart, IReadOnlyList<int>> Levels { get; }

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
        var levels = new Dictionary<DatePart, IReadOnlyList<int>>();
        if (mode == EncoderMode.Linear)
            for (int p = 0; p < parts.Count; p++)
                if (CyclicParts.Contains(parts[p]) && values[p].Count > 0)
                    levels[parts[p]] = [.. values[p].Select(v => (int)v).Distinct().Order()];
        return new DateTimeEncoder(column.Name, mode, missingIndicator, parts,
            [.. moments.Select(m => m.Median)], [.. moments.Select(m => m.Mean)], [.. moments.Select(m => m.Std)], levels);
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
        int at = 0;
        for (int p = 0; p < Parts.Count; p++)
        {
            if (Mode == EncoderMode.Trees)
            {
                destination[at++] = t is { } v ? (float)Part(v, Parts[p]) : float.NaN;
            }
            else if (_partLevels[p] is { } values)
            {
                // A missing date takes the training median's value; a value training never saw (a first December) none.
                int value = (int)(t is { } v ? Part(v, Parts[p]) : Medians[p]);
                for (int i = 0; i < values.Count; i++) destination[at + i] = values[i] == value ? 1f : 0f;
                at += values.Count;
            }
            else
            {
                destination[at++] = (float)(((t is { } v2 ? Part(v2, Parts[p]) : Medians[p]) - Means[p]) / Stds[p]);
            }
        }
        if (MissingIndicator) destination[at] = t is null ? 1f : 0f;
    }
}
