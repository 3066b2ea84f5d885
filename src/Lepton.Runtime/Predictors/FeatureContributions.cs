namespace Lepton.Runtime;

/// <summary>
/// Per-prediction feature contributions in the model's raw-score space (logits, or values for regression): for each row and
/// output, one value per feature plus a bias, summing to that row's raw output. Laid out (rows, outputs, features + 1).
/// </summary>
public sealed record FeatureContributions
{
    public FeatureContributions(int rows, int outputs, IReadOnlyList<string> featureNames, double[] values)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(values);
        if ((long)rows * outputs * (featureNames.Count + 1) != values.Length)
            throw new ArgumentException(
                $"Contributions of {rows} rows x {outputs} outputs x ({featureNames.Count} features + bias) need {(long)rows * outputs * (featureNames.Count + 1)} values, got {values.Length}.",
                nameof(values));
        Rows = rows;
        Outputs = outputs;
        FeatureNames = featureNames;
        Values = values;
    }

    public int Rows { get; }

    /// <summary>Raw outputs per row: classes for a multiclass model, 1 for binary and regression.</summary>
    public int Outputs { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>(rows, outputs, features + 1), the bias last in each (row, output).</summary>
    public double[] Values { get; }

    /// <summary>Feature <paramref name="feature"/>'s contribution to output <paramref name="output"/> of row <paramref name="row"/>.</summary>
    public double Of(int row, int output, int feature) => Values[Index(row, output) + feature];

    /// <summary>The expected raw output (what every row starts from before its features move it).</summary>
    public double Bias(int row, int output) => Values[Index(row, output) + FeatureNames.Count];

    /// <summary>Bias plus every contribution: the row's raw output.</summary>
    public double Total(int row, int output)
    {
        double sum = 0;
        var span = Values.AsSpan(Index(row, output), FeatureNames.Count + 1);
        foreach (var v in span) sum += v;
        return sum;
    }

    private int Index(int row, int output)
    {
        if ((uint)row >= (uint)Rows || (uint)output >= (uint)Outputs)
            throw new ArgumentOutOfRangeException(nameof(row), $"Contributions hold {Rows} rows x {Outputs} outputs; got row {row}, output {output}.");
        return (row * Outputs + output) * (FeatureNames.Count + 1);
    }
}
