using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lepton.Reports.Statistics;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Html;

/// <summary>
/// Two models on the same data as one self-contained HTML page: the paired tests first (McNemar on accuracy, paired bootstrap
/// on the F1 scores) with a plain verdict at 5%, then both models' reports side by side and the examples only one gets right.
/// </summary>
public static class ComparisonReportHtml
{
    public const double Alpha = 0.05;

    public static string Render(ComparisonReport comparison) => Render(comparison, []);

    /// <param name="extra">Sections placed after the slices (a table's groups), each linked from the navigation.</param>
    public static string Render(ComparisonReport comparison, IReadOnlyList<ReportSection> extra)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(extra);
        var a = comparison.First;
        var b = comparison.Second;
        string an = "A: " + a.Model, bn = "B: " + b.Model;
        var html = Begin($"{a.Model} vs {b.Model} on {a.Data.Name}");
        EvaluationReportHtml.Summary(html, a);
        html.Append("<nav><a href=\"#significance\">significance</a><a href=\"#classes\">classes</a><a href=\"#confusion\">confusion</a><a href=\"#curves\">curves</a>")
            .Append("<a href=\"#calibration\">calibration</a><a href=\"#slices\">slices</a>");
        foreach (var section in extra) html.Append("<a href=\"#").Append(E(section.Id)).Append("\">").Append(E(section.Link)).Append("</a>");
        html.Append("<a href=\"#training\">training</a><a href=\"#lineage\">lineage</a><a href=\"#disagreements\">disagreements</a></nav>");

        html.Append("<section id=\"significance\"><h2>Is the difference real?</h2>");
        Significance(html, comparison, an, bn);
        html.Append("</section>");

        html.Append("<section id=\"classes\"><h2>Per class</h2><div class=\"side\">");
        foreach (var (r, name) in new[] { (a, an), (b, bn) })
        {
            html.Append("<div data-model=\"").Append(E(name)).Append("\"><h3>").Append(E(name)).Append("</h3>");
            EvaluationReportHtml.ClassTable(html, r);
            html.Append("</div>");
        }
        html.Append("</div></section>");

        html.Append("<section id=\"confusion\"><h2>Confusion matrices</h2><div class=\"side\">");
        EvaluationReportHtml.Confusion(html, a, $"{an} (rows: true class)", "A");
        EvaluationReportHtml.Confusion(html, b, $"{bn} (rows: true class)", "B");
        html.Append("</div></section>");

        html.Append("<section id=\"curves\"><h2>ROC and precision-recall, one class against the rest</h2>");
        CurveCharts(html, [("A", a.Curves), ("B", b.Curves)]);
        html.Append("</section>");

        html.Append("<section id=\"calibration\"><h2>Calibration</h2><div class=\"charts\">");
        ReliabilityChart(html, [("A", a.Reliability), ("B", b.Reliability)]);
        html.Append("</div></section>");

        html.Append("<section id=\"slices\"><h2>Slices</h2>");
        SliceTable(html, [("A", a.Slices), ("B", b.Slices)]);
        html.Append("</section>");
        foreach (var section in extra)
            html.Append("<section id=\"").Append(E(section.Id)).Append("\"><h2>").Append(E(section.Title)).Append("</h2>").Append(section.Html).Append("</section>");

        html.Append("<section id=\"training\"><h2>Training curves</h2><div class=\"side\">");
        foreach (var (r, name) in new[] { (a, an), (b, bn) })
        {
            html.Append("<div><h3>").Append(E(name)).Append("</h3>");
            TrainingCurves(html, r.Lineage);
            html.Append("</div>");
        }
        html.Append("</div></section>");

        html.Append("<section id=\"lineage\"><h2>Lineage</h2><div class=\"side\">");
        foreach (var (r, name) in new[] { (a, an), (b, bn) })
        {
            html.Append("<div><h3>").Append(E(name)).Append("</h3>");
            LineageList(html, r.Lineage, r.Data.Name);
            html.Append("</div>");
        }
        html.Append("</div></section>");

        html.Append("<section id=\"disagreements\"><h2>Where they disagree</h2><h3>A right, B wrong (").Append(Count(comparison.McNemar.OnlyFirstCorrect))
            .Append("; B's most confident mistakes)</h3>");
        Gallery(html, "only-a", comparison.OnlyFirstCorrect, a.ClassNames, b.Views);
        html.Append("<h3>B right, A wrong (").Append(Count(comparison.McNemar.OnlySecondCorrect)).Append("; A's most confident mistakes)</h3>");
        Gallery(html, "only-b", comparison.OnlySecondCorrect, a.ClassNames, a.Views);
        html.Append("</section>");

        JsonBlock(html, "comparison-json", new JsonObject { ["a"] = a.EvaluationJson(), ["b"] = b.EvaluationJson() });
        return End(html);
    }

    private static void Significance(StringBuilder html, ComparisonReport c, string an, string bn)
    {
        var m = c.McNemar;
        bool accuracySignificant = m.IsSignificant(Alpha);
        var accuracy = c.Differences.First(d => d.Metric == "accuracy");
        html.Append("<p class=\"verdict\" data-significant=\"").Append(accuracySignificant ? "true" : "false").Append("\">")
            .Append(accuracySignificant
                ? $"<span class=\"good\">The accuracies differ significantly at 5%</span>: {E(accuracy.Difference > 0 ? bn : an)} is more accurate"
                : "<span class=\"bad\">No significant difference in accuracy at 5%</span>")
            .Append(" (McNemar ").Append(m.Exact ? "exact binomial" : "χ² with continuity correction").Append(", p = ").Append(P(m.PValue)).Append(").</p>");
        html.Append("<table class=\"mcnemar\" data-only-a=\"").Append(m.OnlyFirstCorrect).Append("\" data-only-b=\"").Append(m.OnlySecondCorrect)
            .Append("\" data-statistic=\"").Append(X(m.Statistic)).Append("\" data-p=\"").Append(X(m.PValue)).Append("\" data-exact=\"").Append(m.Exact ? "true" : "false")
            .Append("\"><tr><th>McNemar</th><th>value</th></tr><tr><td>A right, B wrong</td><td>").Append(Count(m.OnlyFirstCorrect))
            .Append("</td></tr><tr><td>B right, A wrong</td><td>").Append(Count(m.OnlySecondCorrect)).Append("</td></tr><tr><td>")
            .Append(m.Exact ? "smaller count (exact test)" : "χ² statistic").Append("</td><td>").Append(F(m.Statistic, 3)).Append("</td></tr><tr><td>p-value</td><td>")
            .Append(P(m.PValue)).Append("</td></tr></table>");

        html.Append("<table class=\"differences\"><tr><th>metric</th><th>").Append(E(an)).Append("</th><th>").Append(E(bn))
            .Append("</th><th>B − A</th><th>").Append((c.First.Options.Level * 100).ToString("0", CultureInfo.InvariantCulture))
            .Append("% interval</th><th>test</th><th>p</th><th>significant at 5%</th></tr>");
        foreach (var d in c.Differences)
        {
            bool accuracyRow = d.Metric == "accuracy";
            double p = accuracyRow ? m.PValue : d.PValue;
            bool significant = p < Alpha;
            html.Append("<tr data-metric=\"").Append(E(d.Metric)).Append("\" data-a=\"").Append(X(d.First)).Append("\" data-b=\"").Append(X(d.Second))
                .Append("\" data-difference=\"").Append(X(d.Difference)).Append("\" data-low=\"").Append(X(d.Low)).Append("\" data-high=\"").Append(X(d.High))
                .Append("\" data-p=\"").Append(X(p)).Append("\" data-significant=\"").Append(significant ? "true" : "false").Append("\"><td>").Append(E(d.Metric))
                .Append("</td><td>").Append(F(d.First)).Append("</td><td>").Append(F(d.Second)).Append("</td><td>").Append(d.Difference >= 0 ? "+" : "").Append(F(d.Difference))
                .Append("</td><td>").Append(F(d.Low)).Append(" – ").Append(F(d.High)).Append("</td><td>").Append(accuracyRow ? "McNemar" : "paired bootstrap")
                .Append("</td><td>").Append(P(p)).Append("</td><td class=\"").Append(significant ? "good\">yes" : "muted\">no").Append("</td></tr>");
        }
        html.Append("</table>");
    }

    private static string P(double p) => p < 1e-4 ? p.ToString("0.0e0", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);
}
