using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Charts;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Engine;
using Lepton.Reports.Evaluation.Tables;
using Lepton.Reports.Lineage;
using Lepton.Reports.Statistics;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Tables;

/// <summary>
/// The evaluation report of a table regressor on a table's labelled rows: RMSE, MAE and R² with bootstrap intervals, the
/// residuals (predicted − true) against the prediction, the rows it misses most with their raw values, the permutation
/// importance of every raw column, and the lineage; as one self-contained HTML page and as JSON.
/// </summary>
public sealed class TableRegressionReport
{
    private TableRegressionReport(string model, string data, string split, Table rows, double[] labels, double[] predicted, RegressionMetrics metrics,
        IReadOnlyDictionary<string, Interval> intervals, IReadOnlyList<int> worst, TableEvaluationReport importance, ReportLineage lineage, ReportOptions options)
    {
        Model = model;
        Data = data;
        Split = split;
        Rows = rows;
        Labels = labels;
        Predicted = predicted;
        Metrics = metrics;
        Intervals = intervals;
        Worst = worst;
        Importance = importance;
        Lineage = lineage;
        Options = options;
    }

    public string Model { get; }

    public string Data { get; }

    public string Split { get; }

    /// <summary>The evaluated rows (those with a numeric label), every column as imported.</summary>
    public Table Rows { get; }

    public double[] Labels { get; }

    public double[] Predicted { get; }

    public RegressionMetrics Metrics { get; }

    /// <summary>Bootstrap intervals of rmse, mae and r2.</summary>
    public IReadOnlyDictionary<string, Interval> Intervals { get; }

    /// <summary>Row indices into <see cref="Rows"/> by absolute residual, largest first.</summary>
    public IReadOnlyList<int> Worst { get; }

    public TableEvaluationReport Importance { get; }

    public ReportLineage Lineage { get; }

    public ReportOptions Options { get; }

    /// <summary>The loss the model was trained with (model.json's task.loss; squared error when it names none).</summary>
    public Lepton.NN.Tasks.RegressionLoss Loss { get; private init; } = Lepton.NN.Tasks.RegressionLoss.Squared;

    /// <summary>The errors compared across the groups of the columns <c>--groups</c> named (none unless asked).</summary>
    public IReadOnlyList<ErrorFairness> Groups { get; private init; } = [];

    /// <summary>This report with <paramref name="groups"/> compared (its page gains a Groups section, its JSON a <c>groups</c> array).</summary>
    public TableRegressionReport WithGroups(IReadOnlyList<ErrorFairness> groups) =>
        new(Model, Data, Split, Rows, Labels, Predicted, Metrics, Intervals, Worst, Importance, Lineage, Options) { Loss = Loss, Groups = groups, Band = Band, Weighted = Weighted };

    /// <summary>A model trained with a weight column: its metrics with each row counting its weight, and the column (shown under the headline, in JSON as <c>weighted</c>).</summary>
    public (EvaluationWeights Weights, IReadOnlyList<(string Key, string Title, double Value)> Metrics)? Weighted { get; private init; }

    /// <summary>This report with the weighted metrics of <paramref name="weights"/> (none: as it is).</summary>
    public TableRegressionReport WithWeights(EvaluationWeights? weights) => weights is null ? this :
        new(Model, Data, Split, Rows, Labels, Predicted, Metrics, Intervals, Worst, Importance, Lineage, Options)
        {
            Loss = Loss, Groups = Groups, Band = Band, Weighted = (weights, weights.Regression(Loss, Predicted, Labels)),
        };

    /// <summary>Scores <paramref name="predictor"/> on the rows of <paramref name="table"/> whose numeric label is present.</summary>
    public static TableRegressionReport Build(string model, string data, string split, IPredictor predictor, TableInputEncoder encoder, Table table,
        string labelColumn, ReportLineage lineage, ReportOptions? options = null, CancellationToken ct = default, Training.Classic.MonotoneConstraints? monotone = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(table);
        options = (options ?? ReportOptions.Default).Validate();
        var (rows, labels) = Labelled(table, labelColumn, data, split);
        var (predicted, band) = PredictWithBand(model, predictor, encoder, rows);
        var metrics = RegressionStatistics.Of(predicted, labels);
        var intervals = RegressionStatistics.Intervals(predicted, labels, options.BootstrapResamples, options.Seed, options.Level);
        var worst = Enumerable.Range(0, labels.Length).OrderByDescending(i => Math.Abs(predicted[i] - labels[i])).ThenBy(i => i).Take(options.Mistakes).ToList();
        var importance = TableEvaluationReport.Build(model, data, split, predictor, encoder, rows, labelColumn, seed: (int)options.Seed, ct: ct, monotone: monotone);
        var loss = predictor.Signature.Task?.Loss is { } text ? Lepton.NN.Tasks.RegressionLoss.Parse(text) : Lepton.NN.Tasks.RegressionLoss.Squared;
        return new TableRegressionReport(model, data, split, rows, labels, predicted, metrics, intervals, worst, importance, lineage, options) { Loss = loss, Band = band };
    }

    /// <summary>A regressor's value for every row of <paramref name="rows"/>, encoded by its own encoders as the server does.</summary>
    internal static double[] Predict(string model, IPredictor predictor, TableInputEncoder encoder, Table rows) => PredictWithBand(model, predictor, encoder, rows).Values;

    // The values, and the (N, 2) band of the quantile models beside a model whose intervals conformalize them (null for others).
    private static (double[] Values, float[]? Band) PredictWithBand(string model, IPredictor predictor, TableInputEncoder encoder, Table rows)
    {
        var columns = encoder.Columns.Select(c => c.Name).ToList();
        var examples = Enumerable.Range(0, rows.RowCount).Select(r => Row(rows, r, columns)).ToList();
        var outputs = predictor.AllOutputs([TableInputEncoder.ToTensor(encoder.Encode(examples))]);
        var output = outputs[0].Contiguous().To(DType.Float32).ToArray(); // (N,1) values
        if (output.Length != rows.RowCount)
            throw new InvalidDataException($"{model} answered {output.Length} values for {rows.RowCount} rows; a regressor answers one value per row.");
        return ([.. output.Select(v => (double)v)], Lepton.Runtime.Conformal.IntervalBandPredictor.BandOf(predictor.Signature, outputs));
    }

    /// <summary>The rows of <paramref name="table"/> with a numeric <paramref name="labelColumn"/> value, and those values.</summary>
    internal static (Table Rows, double[] Labels) Labelled(Table table, string labelColumn, string data, string split)
    {
        if (table[labelColumn] is not NumericColumn label)
            throw new ArgumentException($"The model is a regressor but label column '{labelColumn}' is {ColumnKinds.Name(table[labelColumn].Kind)}; a regressor is evaluated on numbers.");
        var kept = Enumerable.Range(0, table.RowCount).Where(r => !label.IsMissing(r)).ToList();
        if (kept.Count < 2) throw new ArgumentException($"{data} has {kept.Count} rows with a '{labelColumn}' value in its {split} split; evaluation needs at least 2.");
        return (table.Take(kept), [.. kept.Select(r => label.Values[r])]);
    }

    private static IReadOnlyDictionary<string, object?> Row(Table table, int r, IReadOnlyList<string> columns)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in columns)
            if (table.TryGetColumn(name, out var c) && !c.IsMissing(r)) row[name] = c.GetValue(r);
        return row;
    }

    /// <summary>The (N, 2) band (lower, upper) of the quantile models conformalized quantile intervals widen, for <see cref="Predicted"/>'s rows; null without one.</summary>
    public float[]? Band { get; init; }

    /// <summary>The numbers as JSON: the importance report's fields (metric "rmse" and its value) plus mae, r2, their intervals and the worst rows.</summary>
    public JsonObject Json()
    {
        var o = Importance.Json();
        o["rmse"] = Metrics.Rmse;
        o["mae"] = Metrics.Mae;
        o["r2"] = Metrics.R2;
        o["count"] = Metrics.Count;
        o["loss"] = Loss.ToString();
        if (LossMetrics() is { } extra)
            foreach (var (key, _, value) in extra) o[key] = value;
        o["intervals"] = new JsonObject(Intervals.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject { ["estimate"] = p.Value.Estimate, ["low"] = p.Value.Low, ["high"] = p.Value.High })));
        o["worst_rows"] = new JsonArray([.. Worst.Select(i => (JsonNode)new JsonObject
        {
            ["row"] = Rows.RowNumbers[i], ["label"] = Labels[i], ["predicted"] = Predicted[i], ["residual"] = Predicted[i] - Labels[i],
        })]);
        if (Groups.Count > 0) o["groups"] = new JsonArray([.. Groups.Select(g => (JsonNode)GroupFairnessView.Json(g))]);
        if (Weighted is { } weighted) o["weighted"] = weighted.Weights.Json(weighted.Metrics.Select(m => (m.Key, m.Value)));
        return o;
    }

    /// <summary>
    /// The loss's own metric (a deviance, the pinball loss) and, for a quantile, the share of rows at or under the prediction;
    /// null for squared and absolute error (RMSE and MAE already show).
    /// </summary>
    public (string Key, string Label, double Value)[]? LossMetrics()
    {
        if (Loss.Kind is Lepton.NN.Tasks.RegressionLossKind.Squared or Lepton.NN.Tasks.RegressionLossKind.Absolute) return null;
        var labels = Labels.Select(v => (float)v).ToArray();
        (string, string, double) own = (Loss.Metric, Loss.MetricTitle, Loss.Score(Predicted, labels));
        return Loss.Kind == Lepton.NN.Tasks.RegressionLossKind.Quantile
            ? [own, ("coverage", $"coverage (rows at or under the prediction; {Loss.Parameter.ToString("0.###", CultureInfo.InvariantCulture)} expected)", Lepton.NN.Tasks.RegressionLoss.Coverage(Predicted, labels))]
            : [own];
    }

    public string Html()
    {
        var html = Begin($"Evaluation of {Model} on {Data}");
        html.Append("<p>").Append(Count(Metrics.Count)).Append(" rows of the ").Append(E(Split)).Append(" split with a label. Intervals: ")
            .Append((Options.Level * 100).ToString("0", CultureInfo.InvariantCulture)).Append("% bootstrap, ").Append(Count(Options.BootstrapResamples))
            .Append(" draws, seed ").Append(Options.Seed).Append(".</p>");
        if (Loss.Kind != Lepton.NN.Tasks.RegressionLossKind.Squared)
            html.Append("<p data-loss=\"").Append(E(Loss.ToString())).Append("\">Trained with the ").Append(E(Loss.ToString())).Append(" loss: a prediction is ")
                .Append(E(Loss.Estimates)).Append(", judged by its ").Append(E(Loss.MetricTitle)).Append(".</p>");
        html.Append("<nav><a href=\"#headline\">headline</a><a href=\"#residuals\">residuals</a><a href=\"#importance\">importance</a>" + (Importance.Dependence.Count > 0 ? "<a href=\"#dependence\">dependence</a>" : "") + (Groups.Count > 0 ? "<a href=\"#groups\">groups</a>" : "") + "<a href=\"#training\">training</a><a href=\"#lineage\">lineage</a><a href=\"#errors\">worst rows</a></nav>");
        html.Append("<section id=\"headline\"><h2>Headline metrics</h2><table class=\"headline\"><tr><th>metric</th><th>value</th><th>")
            .Append((Options.Level * 100).ToString("0", CultureInfo.InvariantCulture)).Append("% interval</th></tr>");
        foreach (var (key, label, value) in new[] { ("rmse", "RMSE", Metrics.Rmse), ("mae", "MAE", Metrics.Mae), ("r2", "R²", Metrics.R2) })
        {
            var interval = Intervals[key];
            html.Append("<tr class=\"metric\" data-metric=\"").Append(key).Append("\" data-value=\"").Append(X(value)).Append("\" data-low=\"").Append(X(interval.Low))
                .Append("\" data-high=\"").Append(X(interval.High)).Append("\"><td>").Append(label).Append("</td><td>").Append(NumberText.Readable(value)).Append("</td>");
            IntervalCell(html, interval);
            html.Append("</tr>");
        }
        foreach (var (key, label, value) in LossMetrics() ?? [])
            html.Append("<tr class=\"metric\" data-metric=\"").Append(key).Append("\" data-value=\"").Append(X(value)).Append("\"><td>").Append(E(label))
                .Append("</td><td>").Append(NumberText.Readable(value)).Append("</td><td></td></tr>");
        html.Append("<tr data-metric=\"count\" data-value=\"").Append(Metrics.Count).Append("\"><td>rows</td><td>").Append(Count(Metrics.Count)).Append("</td><td></td></tr></table>");
        if (Weighted is { } weighted) html.Append(weighted.Weights.Html(weighted.Metrics.Select(m => (m.Title, m.Value))));
        html.Append("</section>");

        html.Append("<section id=\"residuals\"><h2>Residuals</h2><p class=\"muted\">Each row's residual (predicted − true) against its prediction: a good fit scatters evenly around 0.</p>");
        var points = Predicted.Select((p, i) => new ChartPoint(p, p - Labels[i])).ToList();
        html.Append(SvgLineChart.Render(new ChartOptions("Residual against prediction", "predicted", "residual", Width: 640, Height: 320,
            Thresholds: [new ChartThreshold(0, "0")], Scatter: true, Data: new Dictionary<string, string> { ["chart"] = "residuals", ["rmse"] = X(Metrics.Rmse) }),
            [new ChartSeries("rows", points)]));
        html.Append("</section>");

        html.Append("<section id=\"importance\"><h2>Permutation importance</h2>").Append(Importance.ImportanceHtml()).Append("</section>");
        if (Importance.Dependence.Count > 0)
            html.Append("<section id=\"dependence\"><h2>Partial dependence</h2>").Append(Importance.DependenceHtml()).Append("</section>");
        if (GroupFairnessView.Section([], Groups, Split) is { } groups)
            html.Append("<section id=\"groups\"><h2>").Append(E(groups.Title)).Append("</h2>").Append(groups.Html).Append("</section>");
        html.Append("<section id=\"training\"><h2>Training curves</h2>");
        TrainingCurves(html, Lineage);
        html.Append("</section><section id=\"lineage\"><h2>Lineage</h2>");
        LineageList(html, Lineage, Data);
        html.Append("</section>");

        html.Append("<section id=\"errors\"><h2>Worst rows</h2><p class=\"muted\">The rows with the largest absolute residual, their raw values as imported.</p>");
        var views = new TableRowViews(Rows);
        html.Append("<div class=\"gallery wide worst\">");
        foreach (int i in Worst)
        {
            html.Append("<figure data-index=\"").Append(i).Append("\" data-label=\"").Append(X(Labels[i])).Append("\" data-predicted=\"").Append(X(Predicted[i]))
                .Append("\">").Append(views.Html(i)).Append("<figcaption>row ").Append(Rows.RowNumbers[i]).Append(": true ").Append(NumberText.Readable(Labels[i]))
                .Append(", predicted <b>").Append(NumberText.Readable(Predicted[i])).Append("</b> (residual ").Append(NumberText.Readable(Predicted[i] - Labels[i])).Append(")</figcaption></figure>");
        }
        html.Append("</div></section>");
        JsonBlock(html, "evaluation-json", Json());
        return End(html);
    }
}
