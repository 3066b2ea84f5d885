namespace Lepton.Runtime.Tables;

/// <summary>
/// Feature contributions summed back to the raw columns a client sent: a one-hot column's indicators, a date-time's parts and a
/// missing indicator all count for their source column. Laid out (rows, outputs, columns + 1), the bias last; per (row, output)
/// the values sum to the raw output (logit, margin or value). <see cref="OutputNames"/> names each output.
/// </summary>
public sealed record ColumnContributions(int Rows, IReadOnlyList<string> OutputNames, IReadOnlyList<string> Columns, double[] Values)
{
    public int Outputs => OutputNames.Count;

    /// <summary>The raw output they add up to is the log of the prediction (a Poisson, gamma or Tweedie regressor), not the prediction.</summary>
    public bool LogScale { get; init; }

    /// <summary>
    /// Whether the model's probabilities are calibrated by a non-linear map (isotonic, or a multiclass model's), so the contributions
    /// explain its score before calibration: they rank and sign the columns as before, but no longer sum to the calibrated answer.
    /// </summary>
    public bool BeforeCalibration { get; init; }

    /// <summary>The feature-level contributions these were summed from (null when built from column values alone).</summary>
    public FeatureContributions? Features { get; init; }

    /// <summary>Free-text columns: the column index, and the features (first, count) holding its terms, feature i being term i.</summary>
    public IReadOnlyList<(int Column, int First, IReadOnlyList<string> Terms)> TextColumns { get; init; } = [];

    /// <summary>Most terms <see cref="TopTerms"/> lists per text column.</summary>
    public const int TermsShown = 5;

    /// <summary>The encoded rows explained (null when not kept): which terms a text holds.</summary>
    public Lepton.Data.Tables.FeatureMatrix? Inputs { get; init; }

    /// <summary>
    /// The largest contributions to output <paramref name="output"/> of row <paramref name="row"/> of the terms its text holds (by
    /// size): which of its words moved the answer. The column's total <see cref="Of"/> also counts the terms the text lacks (a
    /// missing "thanks" can speak too) and its length.
    /// </summary>
    public IReadOnlyList<(string Term, double Value)> TopTerms(int row, int output, (int Column, int First, IReadOnlyList<string> Terms) text, int most = TermsShown)
    {
        if (Features is null || Inputs is null) return [];
        var present = Inputs.Row(row).ToArray();
        return [.. text.Terms.Select((term, i) => (Term: term, Value: Features.Of(row, output, text.First + i), Present: present[text.First + i] != 0))
            .Where(t => t.Present && t.Value != 0).OrderByDescending(t => Math.Abs(t.Value)).ThenBy(t => t.Term, StringComparer.Ordinal).Take(most)
            .Select(t => (t.Term, t.Value))];
    }

    /// <summary>
    /// How a predictor of <paramref name="kind"/> makes its contributions: TreeSHAP for LightGBM, integrated gradients for a network
    /// whose model.json says <paramref name="modelKind"/> <c>mlp</c> (<see cref="TableInputEncoder.ModelKind"/>), exact for linear models.
    /// </summary>
    public static string MethodOf(string kind, string? modelKind = null) =>
        kind == LightGbm.LightGbmModelFolder.KindName ? "tree-shap" : modelKind == MlpContributions.KindName ? MlpContributions.MethodName : "exact-linear";

    /// <summary>Column <paramref name="column"/>'s contribution to output <paramref name="output"/> of row <paramref name="row"/>.</summary>
    public double Of(int row, int output, int column) => Values[(row * Outputs + output) * (Columns.Count + 1) + column];

    /// <summary>The expected raw output every row starts from.</summary>
    public double Bias(int row, int output) => Values[(row * Outputs + output) * (Columns.Count + 1) + Columns.Count];

    /// <summary>
    /// Sums <paramref name="features"/> (rows, outputs, features + 1) into columns: feature f goes to column <paramref name="columnOf"/>[f].
    /// </summary>
    public static ColumnContributions Sum(FeatureContributions features, IReadOnlyList<string> columns, IReadOnlyList<int> columnOf, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (columnOf.Count != features.FeatureNames.Count)
            throw new ArgumentException($"Contributions name {features.FeatureNames.Count} features but the column map has {columnOf.Count}.", nameof(columnOf));
        if (outputNames.Count != features.Outputs)
            throw new ArgumentException($"Contributions have {features.Outputs} outputs but {outputNames.Count} output names were given.", nameof(outputNames));
        int c = columns.Count, f = features.FeatureNames.Count;
        var values = new double[features.Rows * features.Outputs * (c + 1)];
        for (int r = 0; r < features.Rows; r++)
        {
            for (int k = 0; k < features.Outputs; k++)
            {
                var dst = values.AsSpan((r * features.Outputs + k) * (c + 1), c + 1);
                for (int j = 0; j < f; j++) dst[columnOf[j]] += features.Of(r, k, j);
                dst[c] = features.Bias(r, k);
            }
        }
        return new ColumnContributions(features.Rows, outputNames, columns, values);
    }
}
