namespace Lepton.Data.Tables.Encoding;

/// <summary>Which learners the features are for.</summary>
public enum EncoderMode
{
    /// <summary>Gradient-boosted trees: numbers as they are (NaN kept), categories as ordinal codes marked categorical.</summary>
    Trees,

    /// <summary>Linear models and neural networks: numbers imputed (median) and standardized, categories one-hot (mode imputed).</summary>
    Linear,
}

/// <summary>A part of a date-time that becomes a numeric feature.</summary>
public enum DatePart
{
    Year,
    Month,
    Day,
    DayOfWeek,
    DayOfYear,
    Hour,
    Minute,
}

/// <summary>
/// How an <see cref="EncoderSet"/> encodes: the <see cref="Mode"/>; which columns also get a 0/1 feature saying their value was
/// missing (<see cref="MissingIndicators"/>: every column when true, none when false; when null, in linear mode the columns with
/// gaps in the training rows, as scikit-learn's <c>SimpleImputer(add_indicator=True)</c>); how many categories a column keeps (the most frequent;
/// the rest share the unknown bucket); which parts of a date-time become features; how many terms a free-text column keeps.
/// </summary>
public sealed record EncoderOptions(
    EncoderMode Mode = EncoderMode.Trees,
    bool? MissingIndicators = null,
    int MaxCategories = 100,
    IReadOnlyList<DatePart>? DateParts = null,
    int MaxTextTerms = 200)
{
    public static IReadOnlyList<DatePart> DefaultDateParts { get; } = [DatePart.Year, DatePart.Month, DatePart.Day, DatePart.DayOfWeek, DatePart.Hour];

    public IReadOnlyList<DatePart> Parts => DateParts ?? DefaultDateParts;

    public void Validate()
    {
        if (MaxCategories < 1 || MaxCategories > 100_000)
            throw new ArgumentOutOfRangeException(nameof(MaxCategories), $"MaxCategories must be 1..100000, got {MaxCategories}.");
        if (MaxTextTerms < 1 || MaxTextTerms > 100_000)
            throw new ArgumentOutOfRangeException(nameof(MaxTextTerms), $"MaxTextTerms must be 1..100000, got {MaxTextTerms}.");
        if (Parts.Count == 0) throw new ArgumentException("DateParts is empty; give at least one part (e.g. Year, Month, DayOfWeek).", nameof(DateParts));
    }
}
