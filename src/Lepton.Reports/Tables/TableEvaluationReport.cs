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
            Dependence = PartialDependence.Compute(predictor, encoder, rows, shown, constraints.Directions, seed, ct),
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
        ["partial_dependence"] = new JsonArray([.. Dependence.Select(PartialDependenceView.Json)]),
    };

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
    public string DependenceHtml() => PartialDependenceView.Html(Dependence, Split);

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
