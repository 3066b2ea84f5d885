using System.Globalization;
using System.Net;
using System.Text;
using Lepton.Data.Charts;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tables.Inspection;

/// <summary>
/// Renders a <see cref="TableInspectionReport"/> as one self-contained HTML page a person can look over: counts per kind, every
/// column's kind, role, missing share and distribution (a histogram of numbers and times, training and test rows overlaid when
/// the table is split; the most frequent categories as bars; example values of ids and text), then the findings by kind, each
/// with a preview of the rows it names. Bounded for wide and long tables (<see cref="MaxChartedColumns"/>,
/// <see cref="MaxFindingsPerKind"/>, <see cref="MaxPreviewRows"/>); <c>--json</c> has everything.
/// </summary>
public static class TableInspectionHtml
{
    public const int MaxChartedColumns = 200;
    public const int MaxFindingsPerKind = 20;
    public const int MaxPreviewRows = 8;
    public const int MaxPreviewColumns = 12;
    private const int TopCategories = 8;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(TableInspectionReport report, Table table, TableSchema schema, TableSplits? splits = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(schema);
        var html = new StringBuilder();
        string title = $"Inspection of {report.Dataset ?? "a table"}";
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:.25em .7em;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}")
            .Append(".num{text-align:right}.warn{color:#c33;font-weight:bold}.role{color:#2563eb;font-weight:bold}.dim{color:#888}")
            .Append(".finding{margin:.8em 0;padding:.6em;border-left:4px solid #c33;background:#fafafa}.rows{font-size:.85em;margin-top:.5em}.rows th{background:#f0f0f0}.rows td.hit{background:#fde8e8}")
            .Append("</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1><p>")
            .Append(report.Rows.ToString("N0", Inv)).Append(" rows, ").Append(report.Columns.Count.ToString("N0", Inv)).Append(" columns, ")
            .Append(report.Findings.Count.ToString("N0", Inv)).Append(" findings").Append(splits is null ? "" : $"; split {SplitText(splits)}").Append(".</p>");

        html.Append("<h2>Summary</h2>");
        if (report.Findings.Count == 0) html.Append("<p>No problems found.</p>");
        else
        {
            html.Append("<table><tr><th>kind</th><th class=\"num\">findings</th></tr>");
            foreach (var (kind, n) in report.CountsByKind)
                html.Append("<tr><td><a href=\"#").Append(E(kind)).Append("\">").Append(E(kind)).Append("</a></td><td class=\"num\">").Append(n.ToString("N0", Inv)).Append("</td></tr>");
            html.Append("</table>");
        }

        Columns(html, report, table, schema, splits);
        Findings(html, report, table);
        return html.Append("</body></html>").ToString();
    }

    private static void Columns(StringBuilder html, TableInspectionReport report, Table table, TableSchema schema, TableSplits? splits)
    {
        html.Append("<h2>Columns</h2>");
        if (report.Columns.Count > MaxChartedColumns)
            html.Append("<p class=\"dim\">The first ").Append(MaxChartedColumns).Append(" of ").Append(report.Columns.Count.ToString("N0", Inv))
                .Append(" columns are drawn; <code>--json</code> lists every column.</p>");
        string? compared = splits is null ? null : splits.Split.Contains(ImageSplits.Test) ? ImageSplits.Test : splits.Split.Contains(ImageSplits.Validation) ? ImageSplits.Validation : null;
        html.Append("<table><tr><th>column</th><th>kind</th><th class=\"num\">missing</th><th class=\"num\">distinct</th><th>distribution")
            .Append(compared is null ? "" : $" ({ImageSplits.Train} and {compared} rows)").Append("</th></tr>");
        foreach (var summary in report.Columns.Take(MaxChartedColumns))
        {
            var column = table[summary.Name];
            string? role = summary.Name == schema.LabelColumn ? "label" : summary.Name == schema.GroupColumn ? "group" : summary.Name == schema.TimeColumn ? "time" : null;
            bool manyMissing = summary.Missing > 0 && summary.MissingRate >= report.Options.MissingRate;
            html.Append("<tr><td>").Append(E(summary.Name)).Append(role is null ? "" : $" <span class=\"role\">{role}</span>").Append("</td><td>").Append(E(summary.Kind))
                .Append("</td><td class=\"num").Append(manyMissing ? " warn" : "").Append("\">").Append(summary.Missing.ToString("N0", Inv))
                .Append(summary.Missing > 0 ? $" ({summary.MissingRate.ToString("P1", Inv)})" : "")
                .Append("</td><td class=\"num\">").Append(summary.Distinct.ToString("N0", Inv)).Append("</td><td>")
                .Append(Distribution(column, splits, compared)).Append("</td></tr>");
        }
        html.Append("</table>");
    }

    // A column's picture: numbers and times as a histogram, categories and booleans as their most frequent values, text as the
    // words in the most rows, ids as a few examples (their values rarely repeat, so counting them shows nothing).
    private static string Distribution(TableColumn column, TableSplits? splits, string? compared)
    {
        string title = $"Distribution of {column.Name}";
        switch (column)
        {
            case NumericColumn numeric:
                return SvgHistogram.Render(new HistogramOptions(title), Series(numeric.Values, splits, compared));
            case DateTimeColumn times:
            {
                var ticks = times.Values.Select(t => t is { } v ? (double)v.Ticks : double.NaN).ToArray();
                return SvgHistogram.Render(new HistogramOptions(title, Format: t => new DateTime((long)t, DateTimeKind.Utc).ToString("yyyy-MM-dd", Inv)),
                    Series(ticks, splits, compared));
            }
            case StringColumn text when column.Kind is ColumnKind.Text:
            {
                // What a model reads of it: the words in the most rows (as the text encoder keeps its terms), with a few examples.
                var words = Encoding.TextTerms.DocumentFrequencies(text.Values, pairs: false).Rows.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(TopCategories)
                    .Select(kv => new Bar(kv.Key.Length > 24 ? kv.Key[..24] + "…" : kv.Key, kv.Value)).ToList();
                return (words.Count == 0 ? "" : SvgBarChart.Render(new BarChartOptions($"Rows holding each word of {column.Name}", LabelWidth: 120, BarWidth: 140, BarHeight: 12), words))
                    + "<div>" + Examples(column) + "</div>";
            }
            case StringColumn when column.Kind is ColumnKind.Identifier:
                return Examples(column);
            default:
            {
                var counts = TableInspector.ValueCounts(column);
                var top = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(TopCategories)
                    .Select(kv => new Bar(kv.Key.Length > 24 ? kv.Key[..24] + "…" : kv.Key, kv.Value)).ToList();
                int others = counts.Count - top.Count;
                if (others > 0)
                    top.Add(new Bar($"{others:N0} others", counts.Values.Sum() - top.Sum(b => (int)b.Value)));
                return top.Count == 0 ? "<span class=\"dim\">no values</span>"
                    : SvgBarChart.Render(new BarChartOptions(title, LabelWidth: 120, BarWidth: 140, BarHeight: 12), top);
            }
        }
    }

    private static string Examples(TableColumn column)
    {
        var examples = Enumerable.Range(0, column.Length).Select(column.Format).OfType<string>().Take(3)
            .Select(v => v.Length > 40 ? v[..40] + "…" : v);
        return "<span class=\"dim\">e.g. " + string.Join(", ", examples.Select(v => $"'{E(v)}'")) + "</span>";
    }

    // All rows, or the training rows and the compared split's as two series when the table is split.
    private static List<HistogramSeries> Series(IReadOnlyList<double> values, TableSplits? splits, string? compared)
    {
        if (splits is null || compared is null) return [new HistogramSeries("all", values)];
        return
        [
            new HistogramSeries(ImageSplits.Train, [.. splits.RowsOf(ImageSplits.Train).Select(r => values[r])]),
            new HistogramSeries(compared, [.. splits.RowsOf(compared).Select(r => values[r])]),
        ];
    }

    private static void Findings(StringBuilder html, TableInspectionReport report, Table table)
    {
        if (report.Findings.Count == 0) return;
        html.Append("<h2>Findings</h2>");
        var positions = new Dictionary<int, int>();
        for (int p = 0; p < table.RowCount; p++) positions.TryAdd(table.RowNumbers[p], p);
        foreach (var kind in report.Findings.GroupBy(f => f.Kind))
        {
            int count = kind.Count();
            html.Append("<h3 id=\"").Append(E(kind.Key)).Append("\">").Append(E(kind.Key)).Append(" (").Append(count.ToString("N0", Inv)).Append(")</h3>");
            foreach (var f in kind.Take(MaxFindingsPerKind))
            {
                html.Append("<div class=\"finding\">").Append(E(f.Message));
                if (f.Rows.Count > 0) RowPreview(html, f, table, positions);
                html.Append("</div>");
            }
            if (count > MaxFindingsPerKind)
                html.Append("<p class=\"dim\">… and ").Append((count - MaxFindingsPerKind).ToString("N0", Inv)).Append(" more ").Append(E(kind.Key))
                    .Append(" findings; <code>--json</code> lists every one.</p>");
        }
    }

    // The first rows a finding names, with the columns it concerns marked (and the others beside them when it names few).
    private static void RowPreview(StringBuilder html, TableFinding f, Table table, Dictionary<int, int> positions)
    {
        var concerned = new HashSet<string>(f.Columns, StringComparer.Ordinal);
        var shown = f.Columns.Count >= MaxPreviewColumns
            ? [.. f.Columns.Take(MaxPreviewColumns)]
            : f.Columns.Concat(table.ColumnNames.Where(n => !concerned.Contains(n))).Take(MaxPreviewColumns).ToList();
        html.Append("<table class=\"rows\"><tr><th>row</th>");
        foreach (var name in shown) html.Append("<th>").Append(E(name)).Append("</th>");
        if (table.Columns.Count > shown.Count) html.Append("<th class=\"dim\">…</th>");
        html.Append("</tr>");
        foreach (int row in f.Rows.Take(MaxPreviewRows))
        {
            if (!positions.TryGetValue(row, out int p)) continue;
            html.Append("<tr><td>").Append(row.ToString(Inv)).Append("</td>");
            foreach (var name in shown)
            {
                var value = table[name].Display(p);
                html.Append(concerned.Contains(name) ? "<td class=\"hit\">" : "<td>")
                    .Append(value is null ? "<span class=\"dim\">missing</span>" : E(value.Length > 40 ? value[..40] + "…" : value)).Append("</td>");
            }
            if (table.Columns.Count > shown.Count) html.Append("<td></td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
        if (f.RowCount > MaxPreviewRows)
            html.Append("<div class=\"dim\">").Append(MaxPreviewRows).Append(" of its ").Append(f.RowCount.ToString("N0", Inv)).Append(" rows shown.</div>");
    }

    private static string SplitText(TableSplits splits) =>
        string.Join(", ", splits.Counts().Select(kv => $"{kv.Key} {kv.Value.ToString("N0", Inv)}"));

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
