using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Inspection;

public static partial class TableInspector
{
    /// <summary>
    /// A column that predicts the label almost perfectly on its own is a leakage suspect (a copy of the label, or a value
    /// only known after the outcome). Classification: the accuracy of predicting each value's (or numeric bin's) majority
    /// label must reach <see cref="TableInspectionOptions.LeakageScore"/> and remove 90% of the majority-class error; a
    /// column with more distinct values than half the rows is skipped (it memorizes). Regression: |Pearson| or |Spearman|
    /// (numbers) or the correlation ratio η² (categories) must reach the score.
    /// </summary>
    private static void Leakage(Context ctx, List<TableFinding> findings)
    {
        var table = ctx.Table;
        var label = ctx.Label!;
        var o = ctx.Options;
        var rows = Enumerable.Range(0, table.RowCount).Where(r => !label.IsMissing(r)).ToArray();
        if (rows.Length < o.MinRows) return;
        var task = ctx.Schema.Task ?? (label.Kind == ColumnKind.Numeric ? TableTask.Regression : TableTask.Classification);
        foreach (var c in table.Columns)
        {
            if (c == label || c.Kind is ColumnKind.Identifier or ColumnKind.Text or ColumnKind.DateTime) continue;
            if (c.Name == ctx.Schema.GroupColumn || c.Name == ctx.Schema.TimeColumn) continue;
            bool categorical = task == TableTask.Classification || label is not NumericColumn;
            if (Association(c, label, rows, o.MinRows, categorical) is not { } a) continue;
            // A category: the accuracy must reach the score and remove 90% of the majority class's errors.
            if (categorical && (a.Baseline >= o.LeakageScore || a.Score < 0.9)) continue;
            double score = categorical ? a.Accuracy : a.Score;
            if (score < o.LeakageScore) continue;
            findings.Add(new TableFinding(TableInspectionKinds.LeakageSuspect,
                $"'{c.Name}' may leak the label '{label.Name}': {a.Measure}. Check that it is known before the outcome; if not, drop it.", [c.Name]));
        }
    }

    /// <summary>
    /// A bucket per row: the value for categories and booleans (missing its own bucket), an equal-frequency bin (at most
    /// 32, ties kept together) for numbers; null when a categorical column has more distinct values than half the rows.
    /// </summary>
    private static int[]? Buckets(TableColumn c, int[] rows)
    {
        var buckets = new int[rows.Length];
        if (c is NumericColumn numeric)
        {
            var sorted = rows.Select(r => numeric.Values[r]).Where(v => !double.IsNaN(v)).Order().ToArray();
            int bins = Math.Clamp(sorted.Length / 20, 2, 32);
            var edges = Enumerable.Range(1, bins - 1).Select(k => sorted.Length == 0 ? 0 : sorted[(int)((long)k * sorted.Length / bins)]).Distinct().ToArray();
            for (int i = 0; i < rows.Length; i++)
            {
                double v = numeric.Values[rows[i]];
                if (double.IsNaN(v)) { buckets[i] = -1; continue; }
                int at = Array.BinarySearch(edges, v);
                buckets[i] = at >= 0 ? at + 1 : ~at;
            }
            return buckets;
        }
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < rows.Length; i++)
        {
            var v = c.Format(rows[i]);
            if (v is null) { buckets[i] = -1; continue; }
            if (!ids.TryGetValue(v, out int id)) ids[v] = id = ids.Count;
            buckets[i] = id;
        }
        return ids.Count * 2 > rows.Length ? null : buckets;
    }
}
