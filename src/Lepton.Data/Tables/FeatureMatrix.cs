namespace Lepton.Data.Tables;

/// <summary>
/// A table after its column encoders: a dense row-major float matrix that learners (LightGBM, linear models, the tabular
/// MLP) train and predict on, with the name of each feature and which features hold category codes rather than numbers.
/// </summary>
/// <remarks>
/// Missing values are <see cref="float.NaN"/> (LightGBM treats them natively; linear learners need an imputing encoder
/// first). A categorical feature holds non-negative integer codes, -1 or NaN for missing, so LightGBM can split on it natively.
/// </remarks>
public sealed record FeatureMatrix
{
    public FeatureMatrix(float[] values, int rows, IReadOnlyList<string> featureNames, IReadOnlyList<int>? categoricalFeatures = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(featureNames);
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"A feature matrix needs rows >= 0, got {rows}.");
        if (featureNames.Count == 0) throw new ArgumentException("A feature matrix needs at least one feature, got none.", nameof(featureNames));
        if ((long)rows * featureNames.Count != values.Length)
            throw new ArgumentException(
                $"A feature matrix of {rows} rows x {featureNames.Count} features needs {(long)rows * featureNames.Count} values, got {values.Length}.", nameof(values));
        var categorical = categoricalFeatures ?? [];
        foreach (int c in categorical)
            if (c < 0 || c >= featureNames.Count)
                throw new ArgumentException($"Categorical feature index {c} is outside 0..{featureNames.Count - 1}.", nameof(categoricalFeatures));
        Values = values;
        Rows = rows;
        FeatureNames = featureNames;
        CategoricalFeatures = categorical;
    }

    /// <summary>Row-major values: row r, feature f at <c>r * Columns + f</c>.</summary>
    public float[] Values { get; }

    public int Rows { get; }

    public int Columns => FeatureNames.Count;

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Indices of the features that hold category codes.</summary>
    public IReadOnlyList<int> CategoricalFeatures { get; }

    /// <summary>
    /// Whether the rows run from oldest to newest by the table's time column: learners then hold out the latest rows to stop
    /// early or to cross-validate on, so no model is judged on rows older than the ones it learned from.
    /// </summary>
    public bool TimeOrdered { get; init; }

    /// <summary>
    /// Each row's group (the table's group column as codes 0..G-1; null without one): learners then hold out whole groups,
    /// so no group has rows on both sides of an early-stopping split or a cross-validation fold.
    /// </summary>
    public IReadOnlyList<int>? Groups { get; init; }

    /// <summary>
    /// Each row's training weight (null: every row alike): its weight column's value (<c>lepton train --weight-column</c>) times
    /// its reweighing weight (<c>--reweigh</c>, mean 1); the tree and linear learners multiply it into their loss, with any class weight.
    /// </summary>
    public float[]? Weights { get; init; }

    /// <summary>
    /// Each row's weight in scores (the table's weight column, <c>lepton train --weight-column</c>; null: every row counts once):
    /// what weighted metrics, auto's ranking, a calibration and a threshold rule count. Unlike <see cref="Weights"/> it leaves out
    /// reweighing, which shapes the fit, not what a good answer is.
    /// </summary>
    public float[]? ScoreWeights { get; init; }

    /// <summary>Row <paramref name="row"/>'s values.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Columns, Columns);
}
