using System.Globalization;

namespace Lepton.Data.Tables.Columns;

/// <summary>Numbers as doubles; <see cref="double.NaN"/> is missing. Values are finite or NaN.</summary>
public sealed class NumericColumn(string name, double[] values) : TableColumn(name, ColumnKind.Numeric)
{
    public double[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));

    public override int Length => Values.Length;

    public override bool IsMissing(int row) => double.IsNaN(Values[row]);

    public override object? GetValue(int row) => double.IsNaN(Values[row]) ? null : Values[row];

    public override string? Format(int row) => double.IsNaN(Values[row]) ? null : FormatNumber(Values[row]);

    public override TableColumn Take(IReadOnlyList<int> rows)
    {
        var v = new double[rows.Count];
        if (rows is int[] positions)
        {
            for (int i = 0; i < v.Length; i++) v[i] = Values[positions[i]];
        }
        else
        {
            for (int i = 0; i < v.Length; i++) v[i] = Values[rows[i]];
        }
        return new NumericColumn(Name, v);
    }

    public override TableColumn Rename(string name) => new NumericColumn(name, Values);

    /// <summary>Shortest round-trip invariant text of a number ("3", "0.1", "1E+21").</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
