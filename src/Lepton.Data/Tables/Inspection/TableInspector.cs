using System.Globalization;
using System.Text;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tables.Inspection;

/// <summary>
/// Looks for problems in a table without changing it: missing values, constant and near-constant columns, duplicate rows,
/// rows whose features agree but whose labels do not, a rare label class, leakage suspects (a column that predicts the label almost
/// perfectly on its own, an identifier column), outliers (beyond Tukey's far fences and a robust z-score), rare
/// categories and, when the table is split, train/test distribution shift per column (KS and PSI for numbers,
/// chi-square and PSI for categories). Findings name columns and the imported row numbers.
/// </summary>
public static partial class TableInspector
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static TableInspectionReport Inspect(Table table, TableSchema schema, TableSplits? splits = null,
        TableInspectionOptions? options = null, string? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(schema);
        options ??= new TableInspectionOptions();
        if (splits is not null && splits.Split.Count != table.RowCount)
            throw new ArgumentException($"{splits.Split.Count} split assignments for {table.RowCount} rows.", nameof(splits));
        var label = schema.LabelColumn is { } l ? table[l] : null;
        CheckSensitive(table, options);
        var ctx = new Context(table, schema, label, options);
        var summaries = new List<TableColumnSummary>();
        var findings = new List<TableFinding>();
        foreach (var c in table.Columns)
        {
            var counts = ValueCounts(c);
            int missing = c.MissingCount();
            summaries.Add(new TableColumnSummary(c.Name, ColumnKinds.Name(c.Kind), missing, table.RowCount == 0 ? 0 : Math.Round((double)missing / table.RowCount, 6), counts.Count));
            ColumnFindings(ctx, c, counts, missing, findings);
        }
        RowFindings(ctx, findings);
        if (label is not null)
        {
            ClassBalance(ctx, findings);
            CountLabel(ctx, findings);
            Leakage(ctx, findings);
        }
        foreach (var c in table.Columns) Outliers(ctx, c, findings);
        GroupCandidates(ctx, findings);
        if (splits is not null) Shift(ctx, splits, findings);
        Proxies(ctx, findings);
        var ordered = findings.OrderBy(f => IndexOfKind(f.Kind)).ToList();
        return new TableInspectionReport(dataset, table.RowCount, summaries, ordered, options);
    }

    private static int IndexOfKind(string kind)
    {
        for (int i = 0; i < TableInspectionKinds.All.Count; i++) if (TableInspectionKinds.All[i] == kind) return i;
        return int.MaxValue;
    }

    private sealed record Context(Table Table, TableSchema Schema, TableColumn? Label, TableInspectionOptions Options)
    {
        public TableFinding Finding(string kind, string message, IReadOnlyList<string> columns, IReadOnlyList<int> positions) =>
            new(kind, message, columns, [.. positions.Take(Options.MaxRowsPerFinding).Select(p => Table.RowNumbers[p])], positions.Count);

        /// <summary>"row 7" or "rows 1, 2, 3 and 40 more".</summary>
        public string InRows(IReadOnlyList<int> positions, int show = 5) => (positions.Count == 1 ? "row " : "rows ") + Rows(positions, show);

        public string Rows(IReadOnlyList<int> positions, int show = 5)
        {
            var shown = string.Join(", ", positions.Take(show).Select(p => Table.RowNumbers[p].ToString(Inv)));
            return positions.Count > show ? $"{shown} and {positions.Count - show:N0} more" : shown;
        }
    }

    /// <summary>Non-missing values and their counts, by canonical text.</summary>
    internal static Dictionary<string, int> ValueCounts(TableColumn c)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int r = 0; r < c.Length; r++)
            if (c.Format(r) is { } v) counts[v] = counts.GetValueOrDefault(v) + 1;
        return counts;
    }

    private static void ColumnFindings(Context ctx, TableColumn c, Dictionary<string, int> counts, int missing, List<TableFinding> findings)
    {
        var o = ctx.Options;
        int n = ctx.Table.RowCount;
        bool isLabel = c == ctx.Label;
        var missingRows = missing == 0 ? [] : Enumerable.Range(0, n).Where(c.IsMissing).ToList();
        if (isLabel && missing > 0)
            findings.Add(ctx.Finding(TableInspectionKinds.MissingLabel, $"{missing:N0} row{(missing == 1 ? " has" : "s have")} no label in '{c.Name}' ({ctx.InRows(missingRows)}); label them or clean them out (--drop missing-label).", [c.Name], missingRows));
        else if (n > 0 && missing >= o.MissingRate * n && missing > 0)
            findings.Add(ctx.Finding(TableInspectionKinds.MissingValues, $"'{c.Name}' is missing in {missing:N0} of {n:N0} rows ({(double)missing / n:P1}); impute it, fill it at the source, or drop the column.", [c.Name], missingRows));

        if (counts.Count <= 1)
        {
            findings.Add(new TableFinding(TableInspectionKinds.ConstantColumn, counts.Count == 0
                ? $"'{c.Name}' has no values at all; drop it."
                : $"'{c.Name}' holds one value ({Show(counts.Keys.First())}) in every row that has one; it carries no information, drop it.", [c.Name]));
        }
        else
        {
            var (top, topCount) = counts.MaxBy(kv => kv.Value);
            int present = n - missing;
            if (present >= o.MinRows && topCount >= o.NearConstantShare * present)
                findings.Add(new TableFinding(TableInspectionKinds.NearConstantColumn, $"'{c.Name}' is {Show(top)} in {topCount:N0} of its {present:N0} values ({(double)topCount / present:P1}); it carries little information.", [c.Name]));
        }

        if (c.Kind == ColumnKind.Identifier)
            findings.Add(new TableFinding(TableInspectionKinds.IdentifierColumn, $"'{c.Name}' is an identifier (a different value in nearly every row): it predicts nothing about new rows but can let a model memorize; it is never used as a feature.", [c.Name]));

        if (c.Kind == ColumnKind.Categorical && counts.Count >= 2 && n - missing >= o.MinRows)
        {
            int present = n - missing;
            var rare = counts.Where(kv => kv.Value < o.RareCategoryCount && kv.Value < o.RareCategoryShare * present)
                .OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).ToList();
            if (rare.Count > 0)
            {
                var set = new HashSet<string>(rare, StringComparer.Ordinal);
                var rows = Enumerable.Range(0, n).Where(r => c.Format(r) is { } v && set.Contains(v)).ToList();
                findings.Add(ctx.Finding(TableInspectionKinds.RareCategories,
                    $"'{c.Name}' has {rare.Count:N0} rare categor{(rare.Count == 1 ? "y" : "ies")} ({string.Join(", ", rare.Take(10).Select(Show))}{(rare.Count > 10 ? ", ..." : "")}) in {ctx.InRows(rows)}; a model learns little from {(rare.Count == 1 ? "it: merge it" : "them: merge them")}, or check for typos.",
                    [c.Name], rows));
            }
        }
    }

    private static string Show(string value) => value.Length > 40 ? $"'{value[..40]}...'" : $"'{value}'";

    // Rows are keyed by their canonical values; identifier columns are left out, since an id makes every row unique.
    private static void RowFindings(Context ctx, List<TableFinding> findings)
    {
        var table = ctx.Table;
        var all = table.Columns.Where(c => c.Kind != ColumnKind.Identifier).ToList();
        var duplicates = GroupRows(table, all);
        foreach (var rows in duplicates.Where(g => g.Count > 1))
            findings.Add(ctx.Finding(TableInspectionKinds.DuplicateRows,
                $"Rows {ctx.Rows(rows, 10)} are identical{(all.Count < table.Columns.Count ? " (identifier columns aside)" : "")}; keep one (--drop duplicates keeps the first).",
                [.. all.Select(c => c.Name)], rows));
        if (ctx.Label is not { } label) return;
        var features = all.Where(c => c != label).ToList();
        if (features.Count == 0) return;
        foreach (var rows in GroupRows(table, features).Where(g => g.Count > 1))
        {
            var labels = rows.Select(label.Format).Where(v => v is not null).Distinct().ToList();
            if (labels.Count < 2) continue;
            findings.Add(ctx.Finding(TableInspectionKinds.LabelConflict,
                $"Rows {ctx.Rows(rows, 10)} have the same features but different labels in '{label.Name}' ({string.Join(", ", labels.Take(5).Select(v => Show(v!)))}); fix the labels, or drop them (--drop conflicts).",
                [label.Name], rows));
        }
    }

    private static List<List<int>> GroupRows(Table table, List<TableColumn> columns)
    {
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<List<int>>();
        var sb = new StringBuilder();
        for (int r = 0; r < table.RowCount; r++)
        {
            sb.Clear();
            foreach (var c in columns) sb.Append(c.Format(r) ?? "\u0000").Append('\u001f');
            var key = sb.ToString();
            if (!groups.TryGetValue(key, out var list)) { groups[key] = list = []; order.Add(list); }
            list.Add(r);
        }
        return order;
    }

    private static void Outliers(Context ctx, TableColumn c, List<TableFinding> findings)
    {
        if (c is not NumericColumn numeric) return;
        var o = ctx.Options;
        var raw = numeric.Values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (raw.Length < o.MinRows) return;
        // Amounts, counts and durations are positive with a long right tail, where the far fences of the raw values flag a few
        // percent of perfectly ordinary rows; on a log scale such a column is judged by its own shape, and a unit slip (x1000)
        // still stands out.
        double[] logs = raw[0] > 0 ? [.. raw.Select(v => Math.Log(v))] : [];
        bool logScale = logs.Length > 0 && TableStatistics.QuantileSkewness(raw) is var skew && skew > 0.2 && Math.Abs(TableStatistics.QuantileSkewness(logs)) < skew;
        Func<double, double> scale = logScale ? Math.Log : v => v;
        var values = logScale ? logs : raw;
        double q1 = TableStatistics.Quantile(values, 0.25), q3 = TableStatistics.Quantile(values, 0.75), median = TableStatistics.Quantile(values, 0.5);
        double iqr = q3 - q1;
        var deviations = values.Select(v => Math.Abs(v - median)).Order().ToArray();
        double mad = TableStatistics.Quantile(deviations, 0.5) * 1.4826;
        // With half the values equal the spread is zero and any other value would look extreme: near-constant covers that.
        if (iqr <= 0 || mad <= 0) return;
        double low = q1 - o.OutlierIqr * iqr, high = q3 + o.OutlierIqr * iqr;
        var rows = new List<int>();
        for (int r = 0; r < numeric.Values.Length; r++)
        {
            double v = numeric.Values[r];
            if (double.IsNaN(v)) continue;
            double t = scale(v);
            if ((t < low || t > high) && Math.Abs(t - median) / mad > o.OutlierRobustZ) rows.Add(r);
        }
        if (rows.Count == 0) return;
        var extremes = rows.Select(r => numeric.Values[r]).OrderByDescending(v => Math.Abs(scale(v) - median)).Take(3)
            .Select(v => v.ToString("G6", Inv));
        double rawMedian = TableStatistics.Quantile(raw, 0.5), rawIqr = TableStatistics.Quantile(raw, 0.75) - TableStatistics.Quantile(raw, 0.25);
        findings.Add(ctx.Finding(TableInspectionKinds.Outliers,
            $"'{c.Name}' has {rows.Count:N0} outlier{(rows.Count == 1 ? "" : "s")} (e.g. {string.Join(", ", extremes)}; median {rawMedian.ToString("G6", Inv)}, IQR {rawIqr.ToString("G6", Inv)}" +
            $"{(logScale ? "; judged on a log scale, the column being positive and right-skewed" : "")}) in {ctx.InRows(rows)}; check for unit or entry errors.",
            [c.Name], rows));
    }

    private static string SplitToCompare(TableSplits splits) =>
        splits.Split.Contains(ImageSplits.Test) ? ImageSplits.Test : ImageSplits.Validation;
}
