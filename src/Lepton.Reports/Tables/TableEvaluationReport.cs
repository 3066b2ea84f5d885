using System.Text;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Charts;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Tables;

/// <summary>
/// The evaluation report of a table model on a table's labelled rows: the task metric (accuracy or RMSE), the global
/// permutation importance of every raw column, and the partial dependence of the most important ones (and of every monotone-constrained
/// one), as an HTML page with charts and as JSON.
/// </summary>
public sealed record TableEvaluationReport(string Model, string Data, string Split, int Rows, string Metric, double Value,
    IReadOnlyList<ColumnImportance> Importance, int Repeats)
{
    /// <summary>How many of the most important columns get a partial dependence curve (constrained columns always do).</summary>
    public const int DependenceColumns = 6;

    /// <summary>How the answer moves with each of the most important columns and each constrained one.</summary>
    public IReadOnlyList<PartialDependenceCurve> Dependence { get; init; } = [];

    /// <summary>The monotone constraints recorded in a model folder's model.json (none when it records none).</summary>
    public static Training.Classic.MonotoneConstraints MonotoneOf(string folder) =>
        Lineage.ModelFolderJson.Text(Lineage.ModelFolderJson.Metadata(folder), "monotone") is { } m
            ? Training.Classic.MonotoneConstraints.Parse(m)
            : Training.Classic.MonotoneConstraints.None;

    /// <summary>
    /// Scores <paramref name="predictor"/> on <paramref name="table"/>'s rows with a label (the label column holds class names for a
    /// classifier, values for a regressor); rows whose class the model does not know are left out.
    /// </summary>
    public static TableEvaluationReport Build(string model, string data, string split, IPredictor predictor, TableInputEncoder encoder, Table table,
        string labelColumn, int repeats = 5, int seed = 0, CancellationToken ct = default, Training.Classic.MonotoneConstraints? monotone = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(table);
        var label = table[labelColumn];
        var classes = predictor.Signature.ClassNames;
        bool classification = classes.Count >= 2;
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        var labels = new List<double>();
        var present = encoder.Columns.Where(c => table.HasColumn(c.Name)).Select(c => table[c.Name]).ToList();
        for (int r = 0; r < table.RowCount; r++)
        {
            if (label.IsMissing(r)) continue;
            double y;
            if (classification)
            {
                int k = IndexOf(classes, label.Format(r)!);
                if (k < 0) continue;
                y = k;
            }
            else if (label is NumericColumn n) y = n.Values[r];
            else throw new ArgumentException($"The model is a regressor but label column '{labelColumn}' is {ColumnKinds.Name(label.Kind)}.");
            rows.Add(present.ToDictionary(c => c.Name, c => c.GetValue(r)));
            labels.Add(y);
        }
        if (rows.Count < 2) throw new ArgumentException($"{data} has {rows.Count} rows labelled with one of the model's classes in its {split} split; evaluation needs at least 2.");
        var (baseline, importance) = PermutationImportance.Compute(predictor, encoder, rows, [.. labels], classification, repeats, seed, ct);
        string metric = PermutationImportance.MetricOf(classification, predictor.Signature.Outputs[0].ExampleShape[0]);
        var constraints = monotone ?? Training.Classic.MonotoneConstraints.None;
        var shown = importance.Select(c => c.Column).Take(DependenceColumns)
            .Concat(importance.Select(c => c.Column).Where(c => constraints.DirectionOf(c) != 0)).Distinct().ToList();
        return new TableEvaluationReport(model, data, split, rows.Count, metric, baseline, importance, repeats)
        {
            Dependence = PartialDependence.Compute(predictor, encoder, rows, shown, constraints, seed, ct),
        };
    }

    public JsonObject Json() => new()
    {
        ["model"] = Model,
        ["data"] = Data,
        ["split"] = Split,
        ["rows"] = Rows,
        ["metric"] = Metric,
        ["value"] = Value,
        ["permutation_importance"] = new JsonArray([.. Importance.Select(c => (JsonNode)new JsonObject { ["column"] = c.Column, ["drop"] = c.Drop, ["std"] = c.Std })]),
        ["repeats"] = Repeats,
        ["partial_dependence"] = new JsonArray([.. Dependence.Select(DependenceJson)]),
    };

    private static JsonNode DependenceJson(PartialDependenceCurve c)
    {
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

    public string Html()
    {
        var html = Begin($"{Model} on {Data}");
        html.Append($"<h1>{E(Model)} on {E(Data)}</h1>");
        html.Append($"<p>{E(Split)} split, {Count(Rows)} labelled rows. {E(Metric)}: <b>{NumberText.Readable(Value)}</b></p>");
        html.Append("<h2>Permutation importance</h2>").Append(ImportanceHtml());
        if (Dependence.Count > 0) html.Append("<h2>Partial dependence</h2>").Append(DependenceHtml());
        JsonBlock(html, "evaluation", Json());
        return End(html);
    }

    /// <summary>The permutation importance as a section of the full evaluation page.</summary>
    public Html.ReportSection Section() => new("importance", "importance", "Permutation importance", ImportanceHtml());

    /// <summary>The partial dependence as a section of the full evaluation page (null when no column has a curve).</summary>
    public Html.ReportSection? DependenceSection() => Dependence.Count == 0 ? null : new("dependence", "dependence", "Partial dependence", DependenceHtml());

    /// <summary>One chart per column: the average answer as the column sweeps its values, with the spread of the rows' own curves.</summary>
    public string DependenceHtml()
    {
        var html = new StringBuilder();
        int rows = Dependence.Count > 0 ? Dependence[0].Rows : 0;
        html.Append($"<p>How the answer moves when one column takes each value and every other column stays as it is, averaged over {Count(rows)} of the {E(Split)} rows")
            .Append(" (beside the average, the 10th and 90th percentile of those rows' answers: lines that part mean the column's effect depends on the others).</p>")
            .Append("<div class=\"dependence\" style=\"display:flex;flex-wrap:wrap;gap:16px\">");
        foreach (var c in Dependence)
        {
            html.Append($"<figure data-column=\"{E(c.Column)}\" style=\"margin:0;width:{ChartWidth}px\">").Append(DependenceChart(c));
            html.Append("<figcaption>").Append(E(Caption(c))).Append("</figcaption></figure>");
        }
        return html.Append("</div>").ToString();
    }

    private const int ChartWidth = 440;

    private static string DependenceChart(PartialDependenceCurve c)
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
        Func<double, string>? format = c.Kind == ColumnKind.Boolean ? v => v == 0 ? "false" : v == 1 ? "true" : ""
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
        return c.Direction switch
        {
            > 0 => $"On average the answer never falls as {c.Column} grows.",
            < 0 => $"On average the answer never rises as {c.Column} grows.",
            _ => $"The average answer both rises and falls as {c.Column} grows.",
        };
    }

    /// <summary>The importance's explanation, bar chart and table.</summary>
    public string ImportanceHtml()
    {
        var html = new StringBuilder();
        string what = Change(Metric);
        html.Append($"<p>The {what} on the {E(Split)} rows ({Count(Rows)}) when one column's values are shuffled across the rows ({Repeats} shuffles each, mean ± std).</p>");
        html.Append(SvgBarChart.Render(new BarChartOptions($"Permutation importance ({what})", LabelWidth: 180, Data: new Dictionary<string, string> { ["chart"] = "importance" }),
            [.. Importance.Select(c => new Bar(c.Column, c.Drop, $"{NumberText.Readable(c.Drop)} ± {NumberText.Readable(c.Std)}"))]));
        html.Append("<table class=\"importance\"><tr><th>column</th><th>").Append(E(what)).Append("</th><th>std</th></tr>");
        foreach (var c in Importance) html.Append($"<tr data-column=\"{E(c.Column)}\" data-drop=\"{X(c.Drop)}\"><td>{E(c.Column)}</td><td>{NumberText.Readable(c.Drop)}</td><td>{NumberText.Readable(c.Std)}</td></tr>");
        return html.Append("</table>").ToString();
    }

    /// <summary>What a column's importance measures for <paramref name="metric"/>: <c>drop in ROC-AUC</c>, <c>drop in accuracy</c>, <c>rise in RMSE</c>.</summary>
    public static string Change(string metric) => metric switch
    {
        "roc_auc" => "drop in ROC-AUC",
        "accuracy" => "drop in accuracy",
        _ => "rise in RMSE",
    };

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (int i = 0; i < classes.Count; i++) if (classes[i] == name) return i;
        return -1;
    }
}
