using System.Globalization;
using Lepton.Data.Tables.Columns;
using Lepton.Registry.Datasets.Tables;

namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// The weight of each row of a split from a table's weight column (<see cref="TabularRecipe.WeightColumn"/>): how much the row counts
/// in the loss, early stopping and the weighted metrics. A weight is a finite number ≥ 0; a missing one is refused with its row number
/// (or counts once, for the loop's feedback rows, which clients may send without it), and a split whose weights are all 0 is refused.
/// </summary>
internal static class TableRowWeights
{
    /// <summary>The weights of the rows <paramref name="rowNumbers"/> (the table's own row numbers) of <paramref name="split"/>.</summary>
    public static float[] Of(TableDatasetVersion data, string column, IReadOnlyList<int> rowNumbers, string split, bool missingCountsOnce)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rowNumbers);
        var values = Column(data, column);
        var positions = Positions(data, rowNumbers);
        var weights = new float[rowNumbers.Count];
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = values.Values[positions[i]];
            if (double.IsNaN(w))
            {
                if (!missingCountsOnce)
                    throw new ArgumentException($"Row {rowNumbers[i]} has no '{column}' (--weight-column): every row needs its weight. Fill it in, or drop the rows without one (lepton data clean).");
                w = 1;
            }
            if (!double.IsFinite(w) || w < 0 || w > float.MaxValue)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Row {rowNumbers[i]}'s '{column}' is {w}; a weight says how much a row counts, a finite number of 0 or more."));
            weights[i] = (float)w;
            total += w;
        }
        if (weights.Length > 0 && total <= 0)
            throw new ArgumentException($"Every row of the {split} split weighs 0 by '{column}' (--weight-column); at least one row must count.");
        return weights;
    }

    /// <summary>Where the rows numbered <paramref name="rowNumbers"/> (a split's) stand in <paramref name="data"/>'s table.</summary>
    public static int[] Positions(TableDatasetVersion data, IReadOnlyList<int> rowNumbers)
    {
        var index = new Dictionary<int, int>(data.Table.RowCount);
        for (int r = 0; r < data.Table.RowCount; r++) index[data.Table.RowNumbers[r]] = r;
        return [.. rowNumbers.Select(n => index[n])];
    }

    /// <summary>The weight column of <paramref name="data"/>, checked: present, numeric, not the label.</summary>
    public static NumericColumn Column(TableDatasetVersion data, string column)
    {
        string name = $"{data.Version.Name}@{data.Version.Version}";
        if (!data.Table.HasColumn(column))
            throw new ArgumentException($"--weight-column names '{column}', which {name} does not have; its columns are {string.Join(", ", data.Table.ColumnNames)}.");
        if (column == data.Schema.LabelColumn)
            throw new ArgumentException($"--weight-column names '{column}', the label of {name}; weigh the rows by another column.");
        return data.Table[column] as NumericColumn
               ?? throw new ArgumentException($"--weight-column '{column}' of {name} is {ColumnKinds.Name(data.Table[column].Kind)}; a weight is a number (pin the column numeric in lepton.yaml if it was read otherwise).");
    }
}
