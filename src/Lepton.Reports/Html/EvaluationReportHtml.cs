using System.Globalization;
using System.Text;
using Lepton.Data.Charts;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Html;

/// <summary>
/// One model's evaluation report as one self-contained HTML page (inline CSS, SVG charts and PNG thumbnails; no scripts, no
/// external assets, no network requests): headline metrics with intervals, per-class metrics, confusion heat map, ROC and
/// precision-recall curves, reliability, slices, training curves, lineage, the error gallery (thumbnails, highlighted texts or
/// rows), and any sections a modality adds (a table model's permutation importance).
/// </summary>
public static class EvaluationReportHtml
{
    public static string Render(EvaluationReport report) => Render(report, []);

    /// <param name="extra">Sections placed before the error gallery, each linked from the navigation.</param>
    public static string Render(EvaluationReport report, IReadOnlyList<ReportSection> extra)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(extra);
        // A yes/no model's threshold section comes first among the added ones.
        if (ThresholdHtml.Section(report.Headline) is { } threshold) extra = [threshold, .. extra];
        var html = Begin($"Evaluation of {report.Model} on {report.Data.Name}");
        Summary(html, report);
        html.Append("<nav><a href=\"#headline\">headline</a><a href=\"#classes\">classes</a><a href=\"#confusion\">confusion</a><a href=\"#curves\">curves</a>")
            .Append("<a href=\"#calibration\">calibration</a><a href=\"#slices\">slices</a><a href=\"#training\">training</a><a href=\"#lineage\">lineage</a>");
        foreach (var section in extra) html.Append("<a href=\"#").Append(E(section.Id)).Append("\">").Append(E(section.Link)).Append("</a>");
        html.Append("<a href=\"#errors\">errors</a></nav>");

        html.Append("<section id=\"headline\"><h2>Headline metrics</h2>");
        Headline(html, report);
        html.Append("</section>");

        html.Append("<section id=\"classes\"><h2>Per class</h2>");
        ClassTable(html, report);
        html.Append(SvgBarChart.Render(new BarChartOptions("F1 per class", Max: 1, Data: new Dictionary<string, string> { ["chart"] = "class-f1" }),
            [.. report.Metrics.Classes.Select(c => new Bar(c.Name, c.F1, F(c.F1, 3)))]));
        html.Append("</section>");

        html.Append("<section id=\"confusion\"><h2>Confusion matrix</h2>");
        Confusion(html, report, "Confusion matrix (rows: true class, shaded by share of the row)");
        html.Append("</section>");

        html.Append("<section id=\"curves\"><h2>ROC and precision-recall, one class against the rest</h2>");
        CurveCharts(html, [(report.Model, report.Curves)]);
        html.Append("</section>");

        html.Append("<section id=\"calibration\"><h2>Calibration</h2><p>Expected calibration error <strong data-metric=\"ece\" data-value=\"")
            .Append(X(report.Reliability.ExpectedCalibrationError)).Append("\">").Append(F(report.Reliability.ExpectedCalibrationError))
            .Append("</strong> over ").Append(report.Reliability.Bins.Count).Append(" equal-width confidence bins (largest gap ")
            .Append(F(report.Reliability.MaxCalibrationError, 3)).Append(").");
        if (report.UncalibratedReliability is { } raw)
            html.Append(" The model answers through its calibration (calibration.json); before it, the expected calibration error was <strong data-metric=\"ece-uncalibrated\" data-value=\"")
                .Append(X(raw.ExpectedCalibrationError)).Append("\">").Append(F(raw.ExpectedCalibrationError)).Append("</strong>.");
        html.Append("</p><div class=\"charts\">");
        ReliabilityChart(html, report.UncalibratedReliability is { } uncalibrated
            ? [("calibrated", report.Reliability), ("before calibration", uncalibrated)]
            : [(report.Model, report.Reliability)]);
        ReliabilityTable(html, report.Reliability);
        html.Append("</div></section>");

        html.Append("<section id=\"slices\"><h2>Slices</h2><p class=\"muted\">Every evaluated ").Append(E(report.Data.Examples.Kind)).Append(", by split and ")
            .Append(E(report.Data.Examples.SlicesNote)).Append(".</p>");
        SliceTable(html, [(report.Model, report.Slices)]);
        html.Append("</section>");

        html.Append("<section id=\"training\"><h2>Training curves</h2>");
        TrainingCurves(html, report.Lineage);
        html.Append("</section>");

        html.Append("<section id=\"lineage\"><h2>Lineage</h2>");
        LineageList(html, report.Lineage, report.Data.Name);
        html.Append("</section>");

        foreach (var section in extra)
            html.Append("<section id=\"").Append(E(section.Id)).Append("\"><h2>").Append(E(section.Title)).Append("</h2>").Append(section.Html).Append("</section>");

        html.Append("<section id=\"errors\"><h2>Error gallery</h2>");
        if (report.Data.Examples.Kind == "text")
            html.Append("<p class=\"muted\">Each text's tokens are shaded by how much they pushed the model toward the class it predicted (red: toward it, blue: away; token occlusion). Hover a token for its score.</p>");
        Errors(html, report, report.Views);
        html.Append("</section>");

        JsonBlock(html, "evaluation-json", report.EvaluationJson());
        return End(html);
    }

    internal static void Summary(StringBuilder html, EvaluationReport report)
    {
        var data = report.Data;
        html.Append("<p>").Append(Count(data.Count)).Append(" labelled examples of ").Append(E(data.Name)).Append("; headline numbers on ")
            .Append(data.HeadlineSplit is { } split ? $"its {E(split)} split ({Count(data.HeadlineIndices.Count)} examples)" : "all of them")
            .Append(". Intervals: ").Append((report.Options.Level * 100).ToString("0", CultureInfo.InvariantCulture)).Append("% bootstrap, ")
            .Append(Count(report.Options.BootstrapResamples)).Append(" draws, seed ").Append(report.Options.Seed).Append(".</p>");
        if (data.HeadlineSplit is null && data.Splits.Contains("train"))
            html.Append("<p class=\"warn\">This data set has no test split, so the headline includes examples the model may have trained on; assign one with lepton data split.</p>");
    }

    private static void Headline(StringBuilder html, EvaluationReport report)
    {
        var m = report.Metrics;
        html.Append("<table class=\"headline\"><tr><th>metric</th><th>value</th><th>").Append((report.Options.Level * 100).ToString("0", CultureInfo.InvariantCulture)).Append("% interval</th></tr>");
        Row("accuracy", "accuracy", m.Accuracy, report.Intervals.GetValueOrDefault("accuracy"));
        Row("macro_f1", "macro F1", m.MacroAverage.F1, report.Intervals.GetValueOrDefault("macro_f1"));
        Row("weighted_f1", "weighted F1", m.WeightedAverage.F1, report.Intervals.GetValueOrDefault("weighted_f1"));
        if (m.RocAucMacro is { } auc) Row("roc_auc", "ROC-AUC (macro, one vs rest)", auc, null);
        if (m.Loss is { } loss) Row("loss", "cross-entropy loss", loss, null);
        Row("ece", "expected calibration error", report.Reliability.ExpectedCalibrationError, null);
        html.Append("<tr data-metric=\"count\" data-value=\"").Append(m.Count).Append("\"><td>examples</td><td>").Append(Count(m.Count)).Append("</td><td></td></tr></table>");

        void Row(string key, string label, double value, Statistics.Interval? interval)
        {
            html.Append("<tr class=\"metric\" data-metric=\"").Append(key).Append("\" data-value=\"").Append(X(value)).Append('"');
            if (interval is { } i) html.Append(" data-low=\"").Append(X(i.Low)).Append("\" data-high=\"").Append(X(i.High)).Append('"');
            html.Append("><td>").Append(E(label)).Append("</td><td>").Append(F(value)).Append("</td>");
            IntervalCell(html, interval);
            html.Append("</tr>");
        }
    }

    internal static void ClassTable(StringBuilder html, EvaluationReport report)
    {
        var m = report.Metrics;
        html.Append("<table class=\"classes\"><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th><th>ROC-AUC</th><th>average precision</th></tr>");
        for (int c = 0; c < m.Classes.Count; c++)
        {
            var k = m.Classes[c];
            var curve = report.Curves[c];
            html.Append("<tr class=\"class\" data-class=\"").Append(E(k.Name)).Append("\" data-precision=\"").Append(X(k.Precision)).Append("\" data-recall=\"")
                .Append(X(k.Recall)).Append("\" data-f1=\"").Append(X(k.F1)).Append("\" data-support=\"").Append(k.Support).Append("\" data-auc=\"")
                .Append(X(k.RocAuc ?? double.NaN)).Append("\"><td>").Append(E(k.Name)).Append("</td><td>").Append(F(k.Precision)).Append("</td><td>")
                .Append(F(k.Recall)).Append("</td><td>").Append(F(k.F1)).Append("</td><td>").Append(Count(k.Support)).Append("</td><td>")
                .Append(F(k.RocAuc ?? double.NaN)).Append("</td><td>").Append(F(curve.AveragePrecision)).Append("</td></tr>");
        }
        foreach (var avg in new[] { m.MacroAverage, m.WeightedAverage })
            html.Append("<tr class=\"average\"><td>").Append(E(avg.Name)).Append("</td><td>").Append(F(avg.Precision)).Append("</td><td>").Append(F(avg.Recall))
                .Append("</td><td>").Append(F(avg.F1)).Append("</td><td>").Append(Count(avg.Support)).Append("</td><td>").Append(F(avg.RocAuc ?? double.NaN)).Append("</td><td></td></tr>");
        html.Append("</table>");
    }

    internal static void Confusion(StringBuilder html, EvaluationReport report, string title, string? model = null)
    {
        var names = report.ClassNames;
        var data = new Dictionary<string, string> { ["chart"] = "confusion" };
        if (model is not null) data["model"] = model;
        html.Append(SvgHeatmap.Render(new HeatmapOptions(title, "true class", "predicted class", Cell: names.Count > 12 ? 30 : 44, Data: data),
            names, names, [.. report.Metrics.ConfusionMatrix.Select(r => (IReadOnlyList<long>)r.Select(v => (long)v).ToArray())]));
    }

    private static void Errors(StringBuilder html, EvaluationReport report, Evaluation.IExampleViews thumbnails)
    {
        var names = report.ClassNames;
        html.Append("<h3>Most confident mistakes</h3>");
        Gallery(html, "mistakes", report.Mistakes, names, thumbnails);
        html.Append("<h3>Most confused pairs</h3>");
        if (report.ConfusedPairs.Count == 0)
        {
            html.Append("<p class=\"muted\">No mistakes.</p>");
            return;
        }
        html.Append("<table class=\"pairs\"><tr><th>true class</th><th>predicted</th><th>count</th><th>share of the true class</th><th>most confident examples</th></tr>");
        foreach (var p in report.ConfusedPairs)
        {
            int support = report.Metrics.Classes[p.Actual].Support;
            html.Append("<tr data-actual=\"").Append(E(names[p.Actual])).Append("\" data-predicted=\"").Append(E(names[p.Predicted])).Append("\" data-count=\"")
                .Append(p.Count).Append("\"><td>").Append(E(names[p.Actual])).Append("</td><td>").Append(E(names[p.Predicted])).Append("</td><td>")
                .Append(Count(p.Count)).Append("</td><td>").Append(Pct(support == 0 ? double.NaN : (double)p.Count / support)).Append("</td><td>");
            Gallery(html, "pair", p.Examples, names, thumbnails);
            html.Append("</td></tr>");
        }
        html.Append("</table>");
    }
}
