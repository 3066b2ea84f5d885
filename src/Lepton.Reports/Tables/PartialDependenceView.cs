using System.Text;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Charts;
using Lepton.Data.Tables.Columns;
using Lepton.Runtime.Tables;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Tables;

/// <summary>Partial dependence curves as a report shows them: a line chart per ordered column (bars for categories), a caption, and JSON.</summary>
public static class PartialDependenceView
{
    /// <summary>One chart per curve with its caption: the average answer as the column sweeps its values, with the spread of the rows' own curves.</summary>
    public static string Html(IReadOnlyList<PartialDependenceCurve> curves, string split)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var html = new StringBuilder();
        int rows = curves.Count > 0 ? curves[0].Rows : 0;
        html.Append($"<p>How the answer moves when one column takes each value and every other column stays as it is, averaged over {Count(rows)} of the {E(split)} rows")
            .Append(" (beside the average, the 10th and 90th percentile of those rows' answers: lines that part mean the column's effect depends on the others).</p>")
            .Append("<div class=\"dependence\" style=\"display:flex;flex-wrap:wrap;gap:16px\">");
        foreach (var c in curves)
        {
            html.Append($"<figure data-column=\"{E(c.Column)}\" style=\"margin:0;width:{ChartWidth}px\">").Append(Chart(c));
            html.Append("<figcaption>").Append(E(Caption(c))).Append("</figcaption></figure>");
        }
        return html.Append("</div>").ToString();
    }

    private const int ChartWidth = 440;

    private static string Chart(PartialDependenceCurve c)
    {
        var data = new Dictionary<string, string> { ["chart"] = "partial-dependence", ["column"] = c.Column };
        if (c.Grid is null && c.Outputs.Count == 1)
            return $"<div class=\"chart-title\"><b>{E(c.Column)}</b>: average {E(c.Outputs[0])}</div>" +
                   SvgBarChart.Render(new BarChartOptions($"{c.Column}: {c.Outputs[0]}", LabelWidth: 120, BarWidth: ChartWidth - 200, Data: data),
                       [.. c.Labels.Select((label, i) => new Bar(label, c.Average[0][i], NumberText.Readable(c.Average[0][i])))]);
        var x = c.Grid ?? [.. Enumerable.Range(0, c.Labels.Count).Select(i => (double)i)];
        var series = new List<ChartSeries>();
        for (int k = 0; k < Math.Min(c.Outputs.Count, 8); k++)
            series.Add(new ChartSeries(c.Outputs.Count == 1 ? "average" : c.Outputs[k], [.. x.Select((v, i) => new ChartPoint(v, c.Average[k][i]))]));
        if (c.Outputs.Count == 1)
        {
            series.Add(new ChartSeries("10th percentile", [.. x.Select((v, i) => new ChartPoint(v, c.Low[0][i]))]));
            series.Add(new ChartSeries("90th percentile", [.. x.Select((v, i) => new ChartPoint(v, c.High[0][i]))]));
        }
        Func<double, string>? format = c.Kind == ColumnKind.DateTime ? v => DateTime.UnixEpoch.AddDays(v).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : c.Kind == ColumnKind.Boolean ? v => v == 0 ? "false" : v == 1 ? "true" : ""
            : c.Grid is null ? v => v == Math.Round(v) && v >= 0 && v < c.Labels.Count ? c.Labels[(int)v] : "" : null;
        return SvgLineChart.Render(new ChartOptions(c.Column, c.Column, c.Outputs.Count == 1 ? c.Outputs[0] : "probability", Width: ChartWidth, Height: 250,
            FormatX: format, WholeX: c.Grid is null || c.Kind == ColumnKind.Boolean, Data: data), series);
    }

    /// <summary>What a curve shows in words: a constraint held (or not), or the average's direction along an ordered column.</summary>
    public static string Caption(PartialDependenceCurve c)
    {
        if (c.Held is { } held)
        {
            string way = c.Constraint > 0 ? "increasing" : "decreasing";
            string grows = c.Kind == ColumnKind.Boolean ? $"when {c.Column} is true instead of false" : $"as {c.Column} grows";
            return held
                ? $"Monotone {way} (trained so): no row's answer {(c.Constraint > 0 ? "falls" : "rises")} {grows}."
                : $"Monotone {way} was asked, but one row's answer moved against it by {NumberText.Readable(c.LargestStepAgainst)}.";
        }
        if (c.Grid is null) return $"{c.Column}: the average answer for each of its {c.Labels.Count} most frequent values.";
        if (c.Kind == ColumnKind.Boolean)
            return $"On average the answer is {NumberText.Readable(c.Average[0][1] - c.Average[0][0])} higher when {c.Column} is true than when false.";
        string later = c.Kind == ColumnKind.DateTime ? "gets later" : "grows";
        return c.Direction switch
        {
            > 0 => $"On average the answer never falls as {c.Column} {later}.",
            < 0 => $"On average the answer never rises as {c.Column} {later}.",
            _ => $"The average answer both rises and falls as {c.Column} {later}.",
        };
    }

    /// <summary>A curve's numbers: column, kind, values, grid, rows, each output's average and percentiles, and a constraint's check.</summary>
    public static JsonNode Json(PartialDependenceCurve c)
    {
        ArgumentNullException.ThrowIfNull(c);
        static JsonArray Numbers(IEnumerable<double> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        var o = new JsonObject
        {
            ["column"] = c.Column,
            ["kind"] = ColumnKinds.Name(c.Kind),
            ["values"] = new JsonArray([.. c.Labels.Select(l => (JsonNode?)JsonValue.Create(l))]),
            ["grid"] = c.Grid is null ? null : Numbers(c.Grid),
            ["rows"] = c.Rows,
            ["outputs"] = new JsonArray([.. c.Outputs.Select((name, k) => (JsonNode?)new JsonObject
            {
                ["output"] = name,
                ["average"] = Numbers(c.Average[k]),
                ["p10"] = Numbers(c.Low[k]),
                ["p90"] = Numbers(c.High[k]),
            })]),
        };
        if (c.Constraint != 0)
        {
            o["constraint"] = c.Constraint > 0 ? "increasing" : "decreasing";
            o["held"] = c.Held;
            o["largest_step_against"] = c.LargestStepAgainst;
        }
        return o;
    }
}
