using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Charts;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Lineage;
using Lepton.Reports.Statistics;

namespace Lepton.Reports.Html;

/// <summary>
/// The pieces both report pages are made of: the page shell (inline CSS and a Content-Security-Policy that forbids every
/// network request and script, so a report opens offline and stays inert), number formats, tables, galleries and charts.
/// Every number a chart or table shows is also a <c>data-*</c> attribute written with round-trip precision.
/// </summary>
internal static class HtmlParts
{
    /// <summary>The most classes whose ROC and precision-recall charts a page draws.</summary>
    public const int MaxCurveClasses = 24;

    private const string Css =
        "body{font-family:system-ui,sans-serif;margin:1.5em 2em;color:#111827;max-width:1400px}h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #e5e7eb;padding-bottom:.2em}" +
        "table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;text-align:right;border-bottom:1px solid #e5e7eb}th:first-child,td:first-child{text-align:left}" +
        ".muted{color:#6b7280}.warn{background:#fef3c7;border-left:4px solid #d97706;padding:.4em .8em}.good{color:#15803d;font-weight:600}.bad{color:#b91c1c;font-weight:600}" +
        "nav a{margin-right:1em}.charts{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}.side{display:grid;grid-template-columns:1fr 1fr;gap:2em}.side>*{min-width:0;overflow-x:auto}" +
        ".gallery{display:flex;flex-wrap:wrap;gap:.6em}.gallery figure{margin:0;width:104px;font-size:.72em;text-align:center}" +
        ".gallery img{width:96px;height:96px;object-fit:contain;image-rendering:pixelated;border:1px solid #d1d5db;background:#f9fafb}" +
        ".gallery.wide{display:block}.gallery.wide figure{width:auto;text-align:left;font-size:.9em;border:1px solid #e5e7eb;border-radius:4px;padding:.4em .6em;margin:.4em 0;overflow-x:auto}" +
        ".gallery.wide figcaption{color:#374151;margin-top:.3em}.gallery .text{font-size:1.05em}.gallery table.row{margin:0;font-size:.95em}.gallery table.row td,.gallery table.row th{text-align:left}" +
        "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:600}dd{margin:0;word-break:break-all}";

    public static StringBuilder Begin(string title)
    {
        var html = new StringBuilder(1 << 16);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").Append(E(title)).Append("</title><style>")
            .Append(Css).Append("</style></head><body><h1>").Append(E(title)).Append("</h1>");
        return html;
    }

    public static string End(StringBuilder html) => html.Append("</body></html>").ToString();

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string X(double v) => Svg.Exact(v);

    public static string F(double v, int digits = 4) => double.IsFinite(v) ? v.ToString("F" + digits, CultureInfo.InvariantCulture) : "–";

    public static string Pct(double v) => double.IsFinite(v) ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A JSON object in a non-executed data block (<c>type="application/json"</c>), with <c>&lt;</c> escaped so it cannot close the tag.</summary>
    public static void JsonBlock(StringBuilder html, string id, JsonNode json) =>
        html.Append("<script type=\"application/json\" id=\"").Append(E(id)).Append("\">")
            .Append(json.ToJsonString().Replace("<", "\\u003c", StringComparison.Ordinal)).Append("</script>");

    public static void IntervalCell(StringBuilder html, Interval? interval)
    {
        if (interval is { } i && double.IsFinite(i.Low)) html.Append("<td>").Append(NumberText.Readable(i.Low)).Append(" – ").Append(NumberText.Readable(i.High)).Append("</td>");
        else html.Append("<td class=\"muted\">–</td>");
    }

    /// <summary>ROC and precision-recall charts of every class; several models' curves overlay (one series per model).</summary>
    public static void CurveCharts(StringBuilder html, IReadOnlyList<(string Model, IReadOnlyList<ClassCurve> Curves)> models)
    {
        int classes = models[0].Curves.Count;
        // Many classes would make a page of hundreds of charts: the hardest ones (lowest ROC-AUC of the first model) are drawn.
        var drawn = Enumerable.Range(0, classes).OrderBy(c => double.IsNaN(models[0].Curves[c].RocAuc) ? 2 : models[0].Curves[c].RocAuc).ThenBy(c => c)
            .Take(MaxCurveClasses).Order().ToList();
        if (drawn.Count < classes)
            html.Append("<p class=\"muted\">").Append(classes).Append(" classes: the ").Append(drawn.Count)
                .Append(" with the lowest ROC-AUC are drawn; the table above has every class's areas.</p>");
        html.Append("<div class=\"charts\">");
        foreach (int c in drawn)
        {
            var curves = models.Select(m => (m.Model, Curve: m.Curves[c])).ToList();
            string name = curves[0].Curve.Name;
            var roc = new ChartOptions($"ROC: {name} vs rest", "false-positive rate", "true-positive rate", Width: 330, Height: 250,
                XMin: 0, XMax: 1, YMin: 0, YMax: 1, Diagonal: true, Data: CurveData("roc", c, name, curves.Select(x => x.Curve.RocAuc)));
            html.Append(SvgLineChart.Render(roc, [.. curves.Select(x => new ChartSeries(Label(x.Model, "AUC", x.Curve.RocAuc, models.Count), Points(x.Curve.Roc)))]));
            var pr = new ChartOptions($"Precision-recall: {name}", "recall", "precision", Width: 330, Height: 250,
                XMin: 0, XMax: 1, YMin: 0, YMax: 1, Data: CurveData("pr", c, name, curves.Select(x => x.Curve.AveragePrecision)));
            html.Append(SvgLineChart.Render(pr, [.. curves.Select(x => new ChartSeries(Label(x.Model, "AP", x.Curve.AveragePrecision, models.Count), Points(x.Curve.PrecisionRecall)))]));
        }
        html.Append("</div>");
    }

    private static Dictionary<string, string> CurveData(string chart, int c, string name, IEnumerable<double> areas)
    {
        var data = new Dictionary<string, string> { ["chart"] = chart, ["class"] = name, ["class-index"] = c.ToString(CultureInfo.InvariantCulture) };
        var list = areas.ToList();
        string key = chart == "roc" ? "auc" : "ap";
        for (int m = 0; m < list.Count; m++) data[m == 0 ? key : $"{key}-{m + 1}"] = X(list[m]);
        return data;
    }

    private static string Label(string model, string area, double value, int models) =>
        models == 1 ? $"{area} {F(value, 3)}" : $"{model} ({area} {F(value, 3)})";

    private static List<ChartPoint> Points(IReadOnlyList<(double X, double Y)> points) => [.. points.Select(p => new ChartPoint(p.X, p.Y))];

    /// <summary>A reliability diagram (mean confidence against accuracy per non-empty bin) of one or more models.</summary>
    public static void ReliabilityChart(StringBuilder html, IReadOnlyList<(string Model, Reliability Reliability)> models)
    {
        var data = new Dictionary<string, string> { ["chart"] = "reliability" };
        for (int m = 0; m < models.Count; m++) data[m == 0 ? "ece" : $"ece-{m + 1}"] = X(models[m].Reliability.ExpectedCalibrationError);
        var options = new ChartOptions("Reliability (top-class confidence)", "mean confidence", "accuracy", Width: 420, Height: 320,
            XMin: 0, XMax: 1, YMin: 0, YMax: 1, Diagonal: true, Data: data);
        html.Append(SvgLineChart.Render(options, [.. models.Select(m => new ChartSeries(
            models.Count == 1 ? $"ECE {F(m.Reliability.ExpectedCalibrationError, 3)}" : $"{m.Model} (ECE {F(m.Reliability.ExpectedCalibrationError, 3)})",
            [.. m.Reliability.Bins.Where(b => b.Count > 0).Select(b => new ChartPoint(b.MeanConfidence, b.Accuracy))]))]));
    }

    /// <summary>One table row per calibration bin, with its numbers as data attributes.</summary>
    public static void ReliabilityTable(StringBuilder html, Reliability reliability)
    {
        html.Append("<table class=\"reliability\"><tr><th>confidence</th><th>examples</th><th>mean confidence</th><th>accuracy</th><th>gap</th></tr>");
        foreach (var b in reliability.Bins.Where(b => b.Count > 0))
        {
            html.Append("<tr data-lower=\"").Append(X(b.Lower)).Append("\" data-upper=\"").Append(X(b.Upper)).Append("\" data-count=\"").Append(b.Count)
                .Append("\" data-confidence=\"").Append(X(b.MeanConfidence)).Append("\" data-accuracy=\"").Append(X(b.Accuracy)).Append("\"><td>")
                .Append(F(b.Lower, 2)).Append("–").Append(F(b.Upper, 2)).Append("</td><td>").Append(Count(b.Count)).Append("</td><td>")
                .Append(F(b.MeanConfidence, 3)).Append("</td><td>").Append(F(b.Accuracy, 3)).Append("</td><td>").Append(F(Math.Abs(b.Accuracy - b.MeanConfidence), 3)).Append("</td></tr>");
        }
        html.Append("</table>");
    }

    /// <summary>
    /// <paramref name="mistakes"/> with their true and predicted class and confidence, each shown by <paramref name="views"/>
    /// (a thumbnail; a highlighted text or a row across the page's width).
    /// </summary>
    public static void Gallery(StringBuilder html, string cssClass, IReadOnlyList<Mistake> mistakes, IReadOnlyList<string> names, IExampleViews views)
    {
        if (mistakes.Count == 0)
        {
            html.Append("<p class=\"muted\">None.</p>");
            return;
        }
        views.Prefetch([.. mistakes.Select(m => m.Index)]);
        html.Append("<div class=\"gallery ").Append(views.Wide ? "wide " : "").Append(E(cssClass)).Append("\">");
        foreach (var m in mistakes)
        {
            html.Append("<figure data-index=\"").Append(m.Index).Append("\" data-actual=\"").Append(E(names[m.Actual])).Append("\" data-predicted=\"")
                .Append(E(names[m.Predicted])).Append("\" data-confidence=\"").Append(X(m.Confidence)).Append("\">");
            if (views.Html(m.Index) is { } view) html.Append(view);
            html.Append("<figcaption>#").Append(m.Index).Append(": ").Append(E(names[m.Actual])).Append(" → <b>").Append(E(names[m.Predicted]))
                .Append("</b> ").Append(Pct(m.Confidence)).Append("</figcaption></figure>");
        }
        html.Append("</div>");
    }

    /// <summary>Per-epoch loss and accuracy charts of the model's training run.</summary>
    public static void TrainingCurves(StringBuilder html, ReportLineage lineage)
    {
        if (lineage.Curves.Count == 0)
        {
            html.Append("<p class=\"muted\">No training run with per-epoch metrics is recorded for ").Append(E(lineage.Model))
                .Append(lineage.Version is null ? " (a model folder, not a registered version)." : ".").Append("</p>");
            return;
        }
        var charts = new StringBuilder();
        foreach (var (suffix, title) in new[] { ("loss", "Loss"), ("accuracy", "Accuracy") })
        {
            // Image training logs "loss", text training "train_loss": both are the training series.
            bool Of(RunCurve c) => c.Key == suffix || c.Key == "train_" + suffix || c.Key == "val_" + suffix;
            var series = lineage.Curves.Where(Of)
                .Select(c => new ChartSeries(c.Key.StartsWith("val_", StringComparison.Ordinal) ? "validation" : "train", [.. c.Points.Select(p => new ChartPoint(p.Step, p.Value))]))
                .ToList();
            if (series.Count == 0) continue;
            var data = new Dictionary<string, string> { ["chart"] = "training-" + suffix, ["run"] = lineage.RunId ?? "" };
            foreach (var c in lineage.Curves.Where(Of))
                data[AttributeKey(c.Key)] = string.Join(' ', c.Points.Select(p => X(p.Value)));
            charts.Append(SvgLineChart.Render(new ChartOptions(title, "epoch", suffix, WholeX: true, YMin: suffix == "accuracy" ? null : 0, Data: data), series));
        }
        if (charts.Length == 0)
        {
            // A table learner logs its final metrics only: there is no epoch to draw.
            html.Append("<p class=\"muted\">The run ").Append(E(lineage.RunName ?? lineage.RunId ?? "")).Append(" recorded no per-epoch loss or accuracy.</p>");
            return;
        }
        html.Append("<div class=\"charts\">").Append(charts);
        html.Append("</div>");
    }

    // A run metric key as a data attribute name: lower case, anything but letters and digits turned into dashes.
    private static string AttributeKey(string key) => new string(key.ToLowerInvariant().Select(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? ch : '-').ToArray());

    /// <summary>The model's lineage as a definition list.</summary>
    public static void LineageList(StringBuilder html, ReportLineage l, string evaluatedOn)
    {
        html.Append("<dl class=\"lineage\">");
        Item("model", l.Model + (l.Version is { } v ? $" (version {v})" : ""));
        if (l.Folder.Length > 0) Item("folder", l.Folder);
        Item("evaluated on", evaluatedOn);
        Item("trained on", l.TrainedOn);
        if (l.DatasetAncestors.Count > 0) Item("data set ancestors", string.Join(" ← ", l.DatasetAncestors));
        Item("parent model", l.ParentModel);
        Item("model source", l.ModelSource);
        Item("run", l.RunId is null ? null : $"{l.RunName} ({l.RunId}, {l.RunStatus})");
        if (l.RunStarted is { } started) Item("run started (UTC)", started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Item("code version", l.CodeVersion);
        Item("seed", l.Seed?.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in l.Parameters.Where(p => p.Value != "null").OrderBy(p => p.Key, StringComparer.Ordinal))
            Item("run: " + key, value.Length > 300 ? value[..300] + "…" : value);
        html.Append("</dl>");

        void Item(string key, string? value)
        {
            html.Append("<dt>").Append(E(key)).Append("</dt><dd data-key=\"").Append(E(key)).Append("\">")
                .Append(value is null ? "<span class=\"muted\">not recorded</span>" : E(value)).Append("</dd>");
        }
    }

    /// <summary>Slices as a table; several models' accuracies side by side.</summary>
    public static void SliceTable(StringBuilder html, IReadOnlyList<(string Model, IReadOnlyList<SliceMetrics> Slices)> models)
    {
        html.Append("<table class=\"slices\"><tr><th>slice</th><th>examples</th>");
        foreach (var (model, _) in models) html.Append("<th>accuracy").Append(models.Count > 1 ? " " + E(model) : "").Append("</th><th>macro F1").Append(models.Count > 1 ? " " + E(model) : "").Append("</th>");
        html.Append("</tr>");
        var first = models[0].Slices;
        for (int s = 0; s < first.Count; s++)
        {
            html.Append("<tr data-group=\"").Append(E(first[s].Group)).Append("\" data-slice=\"").Append(E(first[s].Name)).Append("\" data-count=\"").Append(first[s].Count).Append('"');
            for (int m = 0; m < models.Count; m++)
                html.Append(m == 0 ? " data-accuracy=\"" : $" data-accuracy-{m + 1}=\"").Append(X(models[m].Slices[s].Accuracy)).Append('"');
            html.Append("><td>").Append(E(first[s].Group)).Append(": ").Append(E(first[s].Name)).Append("</td><td>").Append(Count(first[s].Count)).Append("</td>");
            foreach (var (_, slices) in models) html.Append("<td>").Append(Pct(slices[s].Accuracy)).Append("</td><td>").Append(F(slices[s].MacroF1)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
    }
}
