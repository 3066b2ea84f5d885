using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// A numeric or boolean column (true = 1, false = 0). Trees: the value as it is, NaN when missing. Linear: a missing
/// value becomes the training median, then (x - mean) / std with the training mean and standard deviation.
/// </summary>
public sealed class NumericEncoder : ColumnEncoder
{
    public NumericEncoder(string column, ColumnKind kind, EncoderMode mode, bool missingIndicator, double median, double mean, double std)
        : base(column, kind, mode, missingIndicator)
    {
        if (kind is not (ColumnKind.Numeric or ColumnKind.Boolean))
            throw new ArgumentException($"A numeric encoder takes a numeric or boolean column, got {ColumnKinds.Name(kind)} for '{column}'.", nameof(kind));
        if (!double.IsFinite(median) || !double.IsFinite(mean) || !double.IsFinite(std) || std <= 0)
            throw new ArgumentException($"Column '{column}': median, mean and std must be finite and std > 0, got {median}, {mean}, {std}.");
        Median = median;
        Mean = mean;
        Std = std;
        FeatureNames = missingIndicator ? [column, IndicatorName] : [column];
    }

    public double Median { get; }

    public double Mean { get; }

    public double Std { get; }

    public override IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Fits on the values of <paramref name="column"/> (a training split).</summary>
    public static NumericEncoder Fit(TableColumn column, EncoderMode mode, bool missingIndicator)
    {
        var values = new List<double>(column.Length);
        if (column is NumericColumn numbers)
        {
            // The typed values as they are: boxing each cell cost seconds on a 60,000 x 784 table (bench/RESULTS.md, issue 17).
            foreach (double v in numbers.Values) if (!double.IsNaN(v)) values.Add(v);
        }
        else
        {
            for (int r = 0; r < column.Length; r++)
            {
                double v = CellValues.ToNumber(column.GetValue(r), column.Name, column.Kind);
                if (!double.IsNaN(v)) values.Add(v);
            }
        }
        var (median, mean, std) = Moments(values);
        return new NumericEncoder(column.Name, column.Kind, mode, missingIndicator, median, mean, std);
    }

    /// <summary>Median, mean and population standard deviation (1 when zero or undefined; 0, 0, 1 with no values).</summary>
    internal static (double Median, double Mean, double Std) Moments(List<double> values)
    {
        if (values.Count == 0) return (0, 0, 1);
        Inspection.NumberSort.Sort(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));
        double median = Inspection.TableStatistics.Quantile(values, 0.5);
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= values.Count;
        double ss = 0;
        foreach (var v in values) ss += (v - mean) * (v - mean);
        double std = Math.Sqrt(ss / values.Count);
        return (median, mean, std > 0 && double.IsFinite(std) ? std : 1);
    }

    internal override void EncodeCell(TableColumn column, int row, Span<float> destination)
    {
        switch (column)
        {
            case NumericColumn n when Kind == ColumnKind.Numeric: Encode(n.Values[row], destination); break;
            case BooleanColumn b when Kind == ColumnKind.Boolean: Encode(b.Values[row] switch { null => double.NaN, true => 1, false => 0 }, destination); break;
            default: EncodeValue(column.GetValue(row), destination); break;
        }
    }

    internal override void EncodeValue(object? value, Span<float> destination) => Encode(CellValues.ToNumber(value, Column, Kind), destination);

    private void Encode(double x, Span<float> destination)
    {
        bool missing = double.IsNaN(x);
        destination[0] = Mode == EncoderMode.Trees ? (float)x : (float)(((missing ? Median : x) - Mean) / Std);
        if (MissingIndicator) destination[1] = missing ? 1f : 0f;
    }
}
