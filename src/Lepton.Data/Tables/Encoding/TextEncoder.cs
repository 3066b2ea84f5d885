using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// A free-text column (comments, descriptions, ticket bodies) as TF-IDF features: the terms (words and adjacent word pairs,
/// <see cref="TextTerms"/>) in most training rows' texts, at most <see cref="EncoderOptions.MaxTextTerms"/> of them, each in at
/// least <see cref="MinDocuments"/> rows and at most 95% of them; a cell's feature for a term is (1 + ln count) · idf, the row's
/// terms scaled to unit length (so a long text does not outweigh a short one), idf = ln((1 + n) / (1 + df)) + 1 as
/// scikit-learn's smooth idf; one more feature, ln(1 + words), says how long the text is. A missing text has no terms; its length
/// is NaN for trees (LightGBM routes it apart) and 0 with the indicator for linear learners. Terms never seen in training add nothing.
/// </summary>
public sealed class TextEncoder : ColumnEncoder
{
    /// <summary>A term kept as a feature appears in at least this many training rows (fewer: too rare to learn from).</summary>
    public const int MinDocuments = 3;

    private readonly Dictionary<string, int> _index;

    public TextEncoder(string column, EncoderMode mode, bool missingIndicator, IReadOnlyList<string> terms, IReadOnlyList<double> idf)
        : base(column, ColumnKind.Text, mode, missingIndicator)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(idf);
        if (terms.Count != idf.Count) throw new ArgumentException($"Column '{column}' has {terms.Count} terms but {idf.Count} idf weights.", nameof(idf));
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < terms.Count; i++)
        {
            if (!_index.TryAdd(terms[i], i)) throw new ArgumentException($"Column '{column}' lists the term '{terms[i]}' twice.", nameof(terms));
            if (!(idf[i] > 0) || !double.IsFinite(idf[i])) throw new ArgumentException($"Column '{column}': the idf of '{terms[i]}' must be a positive number, got {idf[i]}.", nameof(idf));
        }
        Terms = terms;
        Idf = idf;
        var names = terms.Select(t => $"{column}~{t}").ToList();
        names.Add($"{column}:words");
        if (missingIndicator) names.Add(IndicatorName);
        FeatureNames = names;
    }

    /// <summary>The terms kept, most widespread first; term i is feature i.</summary>
    public IReadOnlyList<string> Terms { get; }

    public IReadOnlyList<double> Idf { get; }

    public override IReadOnlyList<string> FeatureNames { get; }

    public static TextEncoder Fit(TableColumn column, EncoderMode mode, bool missingIndicator, int maxTerms)
    {
        var (documents, n) = TextTerms.DocumentFrequencies(Enumerable.Range(0, column.Length).Select(r => CellValues.ToCategory(column.GetValue(r), column.Name)), pairs: true);
        int minDocuments = Math.Min(MinDocuments, Math.Max(1, n));
        var kept = documents.Where(kv => kv.Value >= minDocuments && kv.Value <= 0.95 * n)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(maxTerms).ToList();
        return new TextEncoder(column.Name, mode, missingIndicator, [.. kept.Select(kv => kv.Key)],
            [.. kept.Select(kv => Math.Log((1.0 + n) / (1.0 + kv.Value)) + 1)]);
    }

    internal override void EncodeCell(TableColumn column, int row, Span<float> destination)
    {
        if (column is StringColumn s && s.Kind is ColumnKind.Text or ColumnKind.Categorical) Encode(s.Values[row], destination);
        else EncodeValue(column.GetValue(row), destination);
    }

    internal override void EncodeValue(object? value, Span<float> destination) => Encode(CellValues.ToCategory(value, Column), destination);

    private void Encode(string? text, Span<float> destination)
    {
        int k = Terms.Count;
        destination[..(k + 1)].Clear();
        if (MissingIndicator) destination[k + 1] = text is null ? 1f : 0f;
        if (text is null)
        {
            destination[k] = Mode == EncoderMode.Trees ? float.NaN : 0f;
            return;
        }
        var words = TextTerms.Words(text);
        destination[k] = (float)Math.Log(1 + words.Count);
        double norm = 0;
        foreach (var (term, count) in TextTerms.Counts(words))
        {
            if (!_index.TryGetValue(term, out int j)) continue;
            double w = (1 + Math.Log(count)) * Idf[j];
            destination[j] = (float)w;
            norm += w * w;
        }
        if (norm <= 0) return;
        float scale = (float)(1 / Math.Sqrt(norm));
        for (int j = 0; j < k; j++) destination[j] *= scale;
    }
}
