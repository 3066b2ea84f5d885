using System.Text;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Splits;
using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Splits;

/// <summary>
/// Splits a table's rows into train/validation/test (and folds), with the arithmetic images use
/// (<see cref="StableSplitAssigner"/>). A row's unit key is its content (every non-identifier value), so identical rows
/// always land on the same side and a row keeps its side when other rows are added; with a group column the key is the
/// group. A time column instead orders the rows: the latest fraction is test, the one before it validation (rows sharing
/// the boundary time go to the later side).
/// </summary>
public static class TableSplitter
{
    public static TableSplits Split(Table table, TableSplitOptions options, string? labelColumn = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        StableSplitAssigner.ValidateFractions(options.Test, options.Validation);
        StableSplitAssigner.ValidateFolds(options.Folds);
        if (options.TimeColumn is { } time) return ByTime(table, options, time);

        TableColumn? label = labelColumn is null ? null : table[labelColumn];
        if (options.Stratify && label is null)
            throw new ArgumentException("A stratified split needs a label column; give --label-column at import, or drop --stratify.");
        TableColumn? group = options.GroupColumn is { } g ? table[g] : null;
        var keyColumns = table.Columns.Where(c => c.Kind != ColumnKind.Identifier).ToList();
        var keys = new string[table.RowCount];
        var sb = new StringBuilder();
        for (int r = 0; r < table.RowCount; r++)
        {
            if (group?.Format(r) is { } gv) { keys[r] = "group:" + gv; continue; }
            sb.Clear().Append("row:");
            foreach (var c in keyColumns) sb.Append(c.Format(r) ?? "\u0000").Append('\u001f');
            keys[r] = sb.ToString();
        }
        var units = Enumerable.Range(0, table.RowCount).GroupBy(r => keys[r], StringComparer.Ordinal)
            .Select(u => new SplitUnit(u.Key, label is null ? null : MostCommon(u.Select(label.Format)), u.Count())).ToList();
        var splitOf = StableSplitAssigner.Assign(units, options.Test, options.Validation, options.Stratify, options.Seed);
        var split = new string[table.RowCount];
        var fold = new int?[table.RowCount];
        for (int r = 0; r < table.RowCount; r++)
        {
            split[r] = splitOf[keys[r]];
            fold[r] = StableSplitAssigner.Fold(options.Seed, options.Folds, keys[r], split[r]);
        }
        return new TableSplits(split, fold);
    }

    private static TableSplits ByTime(Table table, TableSplitOptions options, string timeColumn)
    {
        if (options.GroupColumn is not null || options.Stratify || options.Folds >= 2)
            throw new ArgumentException("A time-ordered split (--time-column) puts the latest rows in test; it cannot also stratify, keep groups together or make folds. Drop --stratify, --group-column and --folds, or the time column.");
        var column = table[timeColumn];
        var times = new long[table.RowCount];
        for (int r = 0; r < table.RowCount; r++)
        {
            times[r] = column switch
            {
                DateTimeColumn t when t.Values[r] is { } v => v.Ticks,
                NumericColumn num when !double.IsNaN(num.Values[r]) => SortableBits(num.Values[r]),
                DateTimeColumn or NumericColumn => throw new ArgumentException($"Row {table.RowNumbers[r]} has no value in the time column '{timeColumn}'; a time-ordered split needs every row's time. Fill it, clean the row out, or split by hash (--shuffle)."),
                _ => throw new ArgumentException($"The time column '{timeColumn}' is {ColumnKinds.Name(column.Kind)}; a time column holds date-times or numbers."),
            };
        }
        var order = Enumerable.Range(0, table.RowCount).OrderBy(r => times[r]).ThenBy(r => table.RowNumbers[r]).ToArray();
        int n = order.Length;
        int testCount = (int)Math.Round(n * options.Test, MidpointRounding.AwayFromZero);
        int valCount = (int)Math.Round(n * options.Validation, MidpointRounding.AwayFromZero);
        var split = new string[n];
        long testFrom = testCount == 0 ? long.MaxValue : times[order[n - testCount]];
        long valFrom = valCount == 0 ? long.MaxValue : times[order[Math.Max(0, n - testCount - valCount)]];
        for (int r = 0; r < n; r++)
            split[r] = times[r] >= testFrom ? ImageSplits.Test : times[r] >= valFrom ? ImageSplits.Validation : ImageSplits.Train;
        return new TableSplits(split, new int?[n]);
    }

    // Orders like the doubles themselves: flipping the magnitude bits of negatives makes the integer order match.
    private static long SortableBits(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v == 0 ? 0.0 : v);
        return bits >= 0 ? bits : bits ^ long.MaxValue;
    }

    private static string? MostCommon(IEnumerable<string?> values) => values.GroupBy(v => v).OrderByDescending(g => g.Count())
        .ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
}
