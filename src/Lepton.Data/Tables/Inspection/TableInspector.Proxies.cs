using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Inspection;

public static partial class TableInspector
{
    /// <summary>
    /// For each sensitive column (<see cref="TableInspectionOptions.Sensitive"/>), the other columns that carry it: a model kept
    /// from the sensitive column can still learn it through them. A category is carried when a column's values (or numeric bins)
    /// alone remove <see cref="TableInspectionOptions.ProxyScore"/> of the errors of guessing its most common value (Goodman and
    /// Kruskal's λ); a number when |Pearson| or |Spearman| (numbers) or the correlation ratio η² (categories) reaches the score.
    /// </summary>
    private static void Proxies(Context ctx, List<TableFinding> findings)
    {
        findings.AddRange(ProxyFindings(ctx));
    }

    /// <summary>
    /// Only the <c>proxy-column</c> findings of <paramref name="table"/> for <paramref name="sensitive"/> (what <c>lepton train --exclude</c>
    /// warns about), without the rest of an inspection.
    /// </summary>
    public static IReadOnlyList<TableFinding> Proxies(Table table, TableSchema schema, IReadOnlyList<string> sensitive, TableInspectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(schema);
        options = (options ?? new TableInspectionOptions()) with { Sensitive = sensitive };
        CheckSensitive(table, options);
        return ProxyFindings(new Context(table, schema, schema.LabelColumn is { } l ? table[l] : null, options));
    }

    private static List<TableFinding> ProxyFindings(Context ctx)
    {
        var findings = new List<TableFinding>();
        var o = ctx.Options;
        foreach (var name in o.Sensitive)
        {
            var sensitive = ctx.Table[name];
            var rows = Enumerable.Range(0, ctx.Table.RowCount).Where(r => !sensitive.IsMissing(r)).ToArray();
            if (rows.Length < o.MinRows) continue;
            foreach (var c in ctx.Table.Columns)
            {
                if (c == sensitive || c == ctx.Label || o.Sensitive.Contains(c.Name) || c.Kind is ColumnKind.Identifier or ColumnKind.Text or ColumnKind.DateTime) continue;
                if (c.Name == ctx.Schema.GroupColumn || c.Name == ctx.Schema.TimeColumn) continue;
                if (Association(c, sensitive, rows, o.MinRows, categorical: sensitive is not NumericColumn) is not { } a || a.Score < o.ProxyScore) continue;
                findings.Add(new TableFinding(TableInspectionKinds.ProxyColumn,
                    $"'{c.Name}' may stand in for '{name}': {a.Measure}. A model kept from '{name}' (--exclude) can still learn it through '{c.Name}'; " +
                    $"compare its answers with lepton eval --groups {name}.", [c.Name, name]));
            }
        }
        return findings;
    }

    private static void CheckSensitive(Table table, TableInspectionOptions options)
    {
        foreach (var name in options.Sensitive)
        {
            if (!table.TryGetColumn(name, out var sensitive))
                throw new ArgumentException($"--sensitive names '{name}', which the table does not have; its columns are {string.Join(", ", table.ColumnNames)}.");
            if (sensitive.Kind is ColumnKind.Identifier or ColumnKind.Text or ColumnKind.DateTime)
                throw new ArgumentException($"--sensitive names '{name}', a column of kind {ColumnKinds.Name(sensitive.Kind)}: name a categorical, yes/no or numeric column.");
        }
    }

    /// <summary>
    /// How well <paramref name="c"/> alone tells <paramref name="target"/> on <paramref name="rows"/>: for a <paramref name="categorical"/>
    /// target the share of the majority guess's errors its values (or numeric bins) remove, with the accuracy and the majority share; for
    /// a number the larger |Pearson| / |Spearman| (numbers) or η² (categories). Null when it cannot be measured.
    /// </summary>
    private static (double Score, double Accuracy, double Baseline, string Measure)? Association(TableColumn c, TableColumn target, int[] rows, int minRows,
        bool categorical)
    {
        if (categorical || target is not NumericColumn y)
        {
            if (Buckets(c, rows) is not { } buckets) return null;
            var perBucket = new Dictionary<int, Dictionary<string, int>>();
            var classes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < rows.Length; i++)
            {
                var v = target.Format(rows[i])!;
                classes[v] = classes.GetValueOrDefault(v) + 1;
                if (!perBucket.TryGetValue(buckets[i], out var counts)) perBucket[buckets[i]] = counts = new(StringComparer.Ordinal);
                counts[v] = counts.GetValueOrDefault(v) + 1;
            }
            double baseline = (double)classes.Values.Max() / rows.Length;
            double accuracy = (double)perBucket.Values.Sum(d => d.Values.Max()) / rows.Length;
            double removed = baseline >= 1 ? 0 : (accuracy - baseline) / (1 - baseline);
            return (removed, accuracy, baseline, $"alone it tells '{target.Name}' for {accuracy:P1} of the rows (its most common value: {baseline:P1}), {removed:P0} of the errors removed");
        }
        if (c is NumericColumn x)
        {
            var pairs = rows.Where(r => !double.IsNaN(x.Values[r])).ToArray();
            if (pairs.Length < minRows) return null;
            var xs = pairs.Select(r => x.Values[r]).ToArray();
            var ys = pairs.Select(r => y.Values[r]).ToArray();
            double pearson = TableStatistics.Pearson(xs, ys), spearman = TableStatistics.Spearman(xs, ys);
            double score = Math.Max(Math.Abs(pearson), Math.Abs(spearman));
            return double.IsNaN(score) ? null : (score, double.NaN, double.NaN, $"its correlation with '{target.Name}' is {pearson:F3} (Spearman {spearman:F3})");
        }
        {
            if (Buckets(c, rows) is not { } buckets) return null;
            double mean = rows.Average(r => y.Values[r]);
            double total = rows.Sum(r => (y.Values[r] - mean) * (y.Values[r] - mean));
            if (total <= 0) return null;
            var within = 0.0;
            foreach (var g in Enumerable.Range(0, rows.Length).GroupBy(i => buckets[i]))
            {
                double m = g.Average(i => y.Values[rows[i]]);
                within += g.Sum(i => (y.Values[rows[i]] - m) * (y.Values[rows[i]] - m));
            }
            double score = 1 - within / total;
            return (score, double.NaN, double.NaN, $"its values explain {score:P1} of the variance of '{target.Name}'");
        }
    }
}
