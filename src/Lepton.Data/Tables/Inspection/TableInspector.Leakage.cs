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
            double score;
            string measure;
            if (task == TableTask.Classification || label is not NumericColumn y)
            {
                if (Buckets(c, rows) is not { } buckets) continue;
                var perBucket = new Dictionary<int, Dictionary<string, int>>();
                var classes = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < rows.Length; i++)
                {
                    var v = label.Format(rows[i])!;
                    classes[v] = classes.GetValueOrDefault(v) + 1;
                    if (!perBucket.TryGetValue(buckets[i], out var counts)) perBucket[buckets[i]] = counts = new(StringComparer.Ordinal);
                    counts[v] = counts.GetValueOrDefault(v) + 1;
                }
                double baseline = (double)classes.Values.Max() / rows.Length;
                score = (double)perBucket.Values.Sum(d => d.Values.Max()) / rows.Length;
                if (baseline >= o.LeakageScore || 1 - score > 0.1 * (1 - baseline)) continue;
                measure = $"alone it predicts the label for {score:P1} of the rows (the majority class: {baseline:P1})";
            }
            else if (c is NumericColumn x)
            {
                var pairs = rows.Where(r => !double.IsNaN(x.Values[r])).ToArray();
                if (pairs.Length < o.MinRows) continue;
                var xs = pairs.Select(r => x.Values[r]).ToArray();
                var ys = pairs.Select(r => y.Values[r]).ToArray();
                double pearson = TableStatistics.Pearson(xs, ys), spearman = TableStatistics.Spearman(xs, ys);
                score = Math.Max(Math.Abs(pearson), Math.Abs(spearman));
                measure = $"its correlation with the label is {pearson:F3} (Spearman {spearman:F3})";
            }
            else
            {
                if (Buckets(c, rows) is not { } buckets) continue;
                double mean = rows.Average(r => y.Values[r]);
                double total = rows.Sum(r => (y.Values[r] - mean) * (y.Values[r] - mean));
                if (total <= 0) continue;
                var within = 0.0;
                foreach (var g in Enumerable.Range(0, rows.Length).GroupBy(i => buckets[i]))
                {
                    double m = g.Average(i => y.Values[rows[i]]);
                    within += g.Sum(i => (y.Values[rows[i]] - m) * (y.Values[rows[i]] - m));
                }
                score = 1 - within / total;
                measure = $"its values explain {score:P1} of the label's variance";
            }
            if (score < o.LeakageScore) continue;
            findings.Add(new TableFinding(TableInspectionKinds.LeakageSuspect,
                $"'{c.Name}' may leak the label '{label.Name}': {measure}. Check that it is known before the outcome; if not, drop it.", [c.Name]));
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
