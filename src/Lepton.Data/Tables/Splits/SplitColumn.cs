using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Tables.Splits;

/// <summary>
/// A split pinned by the user in a column of the table (train, validation or test on every row, any letter case): the
/// column becomes each row's split and leaves the table, so it is never a feature and a fixed split (one a paper or a
/// benchmark publishes) survives import exactly.
/// </summary>
public static class SplitColumn
{
    /// <summary>The table without <paramref name="column"/> and the split each row names in it.</summary>
    public static (Table Table, TableSplits Splits) Extract(Table table, string column)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        if (!table.TryGetColumn(column, out var c))
            throw new ArgumentException($"The split column '{column}' is not in the table; its columns are {string.Join(", ", table.ColumnNames.Take(30).Select(n => $"'{n}'"))}.{Schema.ColumnNameSuggestion.For(column, table.ColumnNames)}");
        if (table.Columns.Count == 1)
            throw new ArgumentException($"'{column}' is the table's only column; a split column sits beside the data it splits.");
        var split = new string[table.RowCount];
        for (int r = 0; r < table.RowCount; r++)
        {
            var value = c.Format(r)?.Trim();
            split[r] = Parse(value) ?? throw new ArgumentException(
                $"Row {table.RowNumbers[r]} of the split column '{column}' holds {(value is null ? "nothing" : $"'{value}'")}; every row needs one of train, validation or test.");
        }
        if (!split.Contains(ImageSplits.Train))
            throw new ArgumentException($"The split column '{column}' names no train row; at least one row must be train.");
        var rest = new Table([.. table.Columns.Where(x => x.Name != column)], table.RowNumbers);
        return (rest, new TableSplits(split, new int?[table.RowCount]));
    }

    private static string? Parse(string? value) =>
        value is null ? null
        : value.Equals(ImageSplits.Train, StringComparison.OrdinalIgnoreCase) ? ImageSplits.Train
        : value.Equals(ImageSplits.Validation, StringComparison.OrdinalIgnoreCase) ? ImageSplits.Validation
        : value.Equals(ImageSplits.Test, StringComparison.OrdinalIgnoreCase) ? ImageSplits.Test
        : null;
}
