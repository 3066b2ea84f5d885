using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;

namespace Lepton.Data.Profiles;

/// <summary>
/// One feature column of a table model's training rows: its kind, the share of missing values, the decile profile of its numbers
/// (numeric columns; date-times as seconds since 1970; free text as the share of its words common in training) or the share of each category (categorical and boolean columns; the
/// most frequent <see cref="TableReferenceProfile.MaxCategories"/>, the rest pooled as <see cref="TableReferenceProfile.Other"/>).
/// <paramref name="Time"/> marks the table's time column, whose live values are newer than training's by nature.
/// </summary>
public sealed record TableColumnProfile(string Name, string Kind, double MissingRate, StatisticProfile? Numbers, IReadOnlyDictionary<string, double>? Categories,
    bool Time = false)
{
    /// <summary>True when the column is profiled by its numbers (PSI and KS), false when by its categories (PSI and chi-square).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsNumeric => Numbers is not null;

    /// <summary>
    /// A free-text column's common words in training (the <see cref="TableReferenceProfile.MaxVocabulary"/> in the most rows): the
    /// column is profiled by the share of a text's words among them, which falls when live texts speak of something new.
    /// </summary>
    public IReadOnlyList<string>? Vocabulary
    {
        get;
        init
        {
            field = value;
            _vocabulary = value is null ? null : new HashSet<string>(value, StringComparer.Ordinal);
        }
    }

    private HashSet<string>? _vocabulary;

    /// <summary>The share of <paramref name="text"/>'s words in <see cref="Vocabulary"/> (1 for a text of no words); its length in words without one.</summary>
    internal double TextNumber(string text)
    {
        var words = TextTerms.Words(text);
        if (_vocabulary is null) return words.Count;
        return words.Count == 0 ? 1 : (double)words.Count(_vocabulary.Contains) / words.Count;
    }

    /// <summary>
    /// A value as this column is profiled: missing, or a number (numeric, date-time), or a category (the pooled bucket for one not
    /// listed). A value of the wrong type counts as missing here: serving already refused such rows.
    /// </summary>
    public (bool Missing, double Number, string? Category) Read(object? value)
    {
        var kind = ColumnKinds.Parse(Kind, Name);
        try
        {
            switch (kind)
            {
                case ColumnKind.Numeric:
                    double x = CellValues.ToNumber(value, Name, kind);
                    return (double.IsNaN(x), x, null);
                case ColumnKind.DateTime:
                    return CellValues.ToTime(value, Name) is { } t ? (false, Seconds(t), null) : (true, double.NaN, null);
                case ColumnKind.Text:
                    // Free text drifts in what it says: the share of its words that training texts used commonly.
                    return CellValues.ToCategory(value, Name) is { } text ? (false, TextNumber(text), null) : (true, double.NaN, null);
                case ColumnKind.Boolean:
                    double b = CellValues.ToNumber(value, Name, kind);
                    return double.IsNaN(b) ? (true, double.NaN, null) : (false, double.NaN, b != 0 ? "true" : "false");
                default:
                    var c = CellValues.ToCategory(value, Name);
                    return c is null ? (true, double.NaN, null) : (false, double.NaN, Categories?.ContainsKey(c) == true ? c : TableReferenceProfile.Other);
            }
        }
        catch (ArgumentException)
        {
            return (true, double.NaN, null);
        }
    }

    internal static double Seconds(DateTime t) => (t - DateTime.UnixEpoch).TotalSeconds;
}

/// <summary>
/// A table model's reference for drift (reference.json's <c>table</c> section): one <see cref="TableColumnProfile"/> per feature
/// column of the training rows, and for a regressor the decile profile of its predictions on held-out rows (a classifier's
/// predicted-class mix lives in <see cref="ReferenceProfile.PredictedProportions"/>).
/// </summary>
public sealed record TableReferenceProfile(IReadOnlyList<TableColumnProfile> Columns, StatisticProfile? Predictions = null)
{
    /// <summary>The categories a column profile lists; rarer ones are pooled.</summary>
    public const int MaxCategories = 30;

    /// <summary>The bucket of categories a profile does not list (rare in training, or never seen).</summary>
    public const string Other = "<other>";

    /// <summary>The most common training words a free-text column's profile keeps.</summary>
    public const int MaxVocabulary = 1000;

    /// <summary>
    /// Profiles the feature columns <paramref name="columns"/> of <paramref name="rows"/> (the training rows); the one named
    /// <paramref name="timeColumn"/> is marked <see cref="TableColumnProfile.Time"/>.
    /// </summary>
    public static TableReferenceProfile Build(Table rows, IReadOnlyList<string> columns, IReadOnlyList<double>? regressionPredictions = null,
        string? timeColumn = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        if (rows.RowCount == 0) throw new ArgumentException("A table reference needs at least one row.", nameof(rows));
        // Columns profile independently: in parallel, kept in column order; the first failing column's error wins, as in a loop.
        var profiles = new TableColumnProfile[columns.Count];
        var errors = new Exception?[columns.Count];
        Parallel.For(0, columns.Count, i =>
        {
            try { profiles[i] = ProfileColumn(rows, columns[i]) with { Time = columns[i] == timeColumn }; }
            catch (Exception e) { errors[i] = e; }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        var predictions = regressionPredictions is { Count: > 0 } p ? ReferenceProfile.Profile([.. p], binAboveMax: true) : null;
        return new TableReferenceProfile(profiles, predictions);
    }

    // The words in the most of a text column's training rows, MaxVocabulary of them.
    private static List<string> CommonWords(TableColumn column)
    {
        var (rows, _) = TextTerms.DocumentFrequencies(Enumerable.Range(0, column.Length).Select(r => CellValues.ToCategory(column.GetValue(r), column.Name)), pairs: false);
        return [.. rows.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxVocabulary).Select(kv => kv.Key)];
    }

    private static TableColumnProfile ProfileColumn(Table rows, string name)
    {
        var column = rows[name];
        int missing = column.MissingCount();
        double missingRate = (double)missing / column.Length;
        string kind = ColumnKinds.Name(column.Kind);
        if (column.Kind is ColumnKind.Numeric or ColumnKind.DateTime or ColumnKind.Text)
        {
            var values = new List<double>(column.Length - missing);
            var vocabulary = column.Kind == ColumnKind.Text ? CommonWords(column) : null;
            var probe = new TableColumnProfile(name, kind, 0, null, null) { Vocabulary = vocabulary };
            if (column is NumericColumn numbers)
            {
                // The typed values as they are (NaN is missing), without boxing every cell.
                foreach (double x in numbers.Values) if (!double.IsNaN(x)) values.Add(x);
            }
            else
            {
                for (int r = 0; r < column.Length; r++)
                    if (probe.Read(column.GetValue(r)) is { Missing: false } v) values.Add(v.Number);
            }
            return new TableColumnProfile(name, kind, missingRate, values.Count == 0 ? null : ReferenceProfile.Profile([.. values], binAboveMax: true), null)
            {
                Vocabulary = vocabulary,
            };
        }
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long seen = 0;
        var reader = new TableColumnProfile(name, kind, 0, null, new Dictionary<string, double>());
        for (int r = 0; r < column.Length; r++)
        {
            var value = column.GetValue(r);
            string? category = column.Kind == ColumnKind.Boolean ? reader.Read(value).Category : CellValues.ToCategory(value, name);
            if (category is null) continue;
            counts[category] = counts.GetValueOrDefault(category) + 1;
            seen++;
        }
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (category, count) in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxCategories))
            shares[category] = (double)count / Math.Max(1, seen);
        shares[Other] = Math.Max(0, 1 - shares.Values.Sum());
        return new TableColumnProfile(name, kind, missingRate, null, shares);
    }
}
