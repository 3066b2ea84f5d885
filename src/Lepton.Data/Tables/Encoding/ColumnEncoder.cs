using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// The fitted encoder of one input column: it knows the column's name and kind, the features it writes and how a
/// value becomes them. Both ways in (a table column, or one object value from a request) go through the same scalar
/// method, so a row encodes to the same bits either way.
/// </summary>
public abstract class ColumnEncoder(string column, ColumnKind kind, EncoderMode mode, bool missingIndicator)
{
    public string Column { get; } = column;

    /// <summary>The kind of input this encoder expects.</summary>
    public ColumnKind Kind { get; } = kind;

    public EncoderMode Mode { get; } = mode;

    /// <summary>Whether a last 0/1 feature says the value was missing.</summary>
    public bool MissingIndicator { get; } = missingIndicator;

    public abstract IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Positions (within <see cref="FeatureNames"/>) of features holding category codes.</summary>
    public virtual IReadOnlyList<int> CategoricalFeatures => [];

    public int Width => FeatureNames.Count;

    /// <summary>Writes row <paramref name="row"/> of <paramref name="column"/> (any kind) into <paramref name="destination"/>.</summary>
    internal abstract void EncodeCell(TableColumn column, int row, Span<float> destination);

    /// <summary>Writes one value (as <see cref="CellValues"/> accepts it) into <paramref name="destination"/>.</summary>
    internal abstract void EncodeValue(object? value, Span<float> destination);

    protected string IndicatorName => Column + ":missing";
}
