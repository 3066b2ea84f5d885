using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// A categorical column with the categories seen in training (most frequent first, at most
/// <see cref="EncoderOptions.MaxCategories"/>); any other value is unknown. Trees: one feature, the category's code
/// 0..K-1, K for unknown, NaN when missing, marked categorical. Linear: one-hot over the K categories plus an unknown
/// column; a missing value is imputed as the most frequent category.
/// </summary>
public sealed class CategoricalEncoder : ColumnEncoder
{
    private readonly Dictionary<string, int> _codes;

    public CategoricalEncoder(string column, EncoderMode mode, bool missingIndicator, IReadOnlyList<string> categories)
        : base(column, ColumnKind.Categorical, mode, missingIndicator)
    {
        ArgumentNullException.ThrowIfNull(categories);
        _codes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < categories.Count; i++)
            if (!_codes.TryAdd(categories[i], i))
                throw new ArgumentException($"Column '{column}' lists the category '{categories[i]}' twice.", nameof(categories));
        Categories = categories;
        var names = new List<string>();
        if (mode == EncoderMode.Trees) names.Add(column);
        else
        {
            names.AddRange(categories.Select(c => $"{column}={c}"));
            names.Add($"{column}=<unknown>");
        }
        if (missingIndicator) names.Add(IndicatorName);
        FeatureNames = names;
    }

    /// <summary>The known categories; a category's code is its position. The first is the most frequent (the mode).</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The code of unknown values in trees mode (and the unknown column's position in linear mode).</summary>
    public int UnknownCode => Categories.Count;

    public override IReadOnlyList<string> FeatureNames { get; }

    public override IReadOnlyList<int> CategoricalFeatures => Mode == EncoderMode.Trees ? [0] : [];

    public static CategoricalEncoder Fit(TableColumn column, EncoderMode mode, bool missingIndicator, int maxCategories)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int r = 0; r < column.Length; r++)
            if (CellValues.ToCategory(column.GetValue(r), column.Name) is { } v) counts[v] = counts.GetValueOrDefault(v) + 1;
        var categories = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(maxCategories).Select(kv => kv.Key).ToList();
        return new CategoricalEncoder(column.Name, mode, missingIndicator, categories);
    }

    internal override void EncodeCell(TableColumn column, int row, Span<float> destination)
    {
        if (column is StringColumn s && s.Kind == ColumnKind.Categorical) Encode(s.Values[row], destination);
        else EncodeValue(column.GetValue(row), destination);
    }

    internal override void EncodeValue(object? value, Span<float> destination) => Encode(CellValues.ToCategory(value, Column), destination);

    private void Encode(string? value, Span<float> destination)
    {
        bool missing = value is null;
        int code = missing ? -1 : _codes.TryGetValue(value!, out int c) ? c : UnknownCode;
        if (Mode == EncoderMode.Trees)
        {
            destination[0] = missing ? float.NaN : code;
            if (MissingIndicator) destination[1] = missing ? 1f : 0f;
            return;
        }
        int width = Categories.Count + 1;
        destination[..width].Clear();
        // Missing takes the most frequent category (code 0); with no categories at all it falls in the unknown column.
        destination[missing ? (Categories.Count > 0 ? 0 : UnknownCode) : code] = 1f;
        if (MissingIndicator) destination[width] = missing ? 1f : 0f;
    }
}
