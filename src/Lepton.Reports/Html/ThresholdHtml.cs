using System.Text;
using Lepton.Data.Charts;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Statistics;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Html;

/// <summary>
/// The evaluation page's section for a yes/no model: precision, recall and F1 of the positive class against the decision
/// threshold, the model's own threshold marked, and a table of what each threshold would flag, so a team can see what moving the
/// threshold buys before it retrains with <c>--threshold</c>.
/// </summary>
internal static class ThresholdHtml
{
    /// <summary>The thresholds the table lists besides the model's own.</summary>
    private static readonly double[] Listed = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    /// <summary>The section for <paramref name="headline"/>'s rows, or null when the model is not a yes/no model.</summary>
    public static ReportSection? Section(ModelScores headline)
    {
        if (headline.Threshold is not { } threshold || headline.Classes != 2 || headline.Count == 0) return null;
        int n = headline.Count;
        var probabilities = new double[n];
        var positive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            probabilities[i] = headline.Probabilities[i * 2 + 1];
            positive[i] = headline.Labels[i] == 1;
        }
        var sweep = ThresholdSweep.Of(probabilities, positive);
        var at = ThresholdSweep.At(probabilities, positive, threshold);
        string name = headline.ClassNames[1];
        var html = new StringBuilder();
        html.Append("<p>The model says <b>").Append(E(name)).Append("</b> from a probability of <b data-metric=\"threshold\" data-value=\"").Append(X(threshold)).Append("\">")
            .Append(F(threshold, 3)).Append("</b>: on these ").Append(Count(n)).Append(" rows (").Append(Count(sweep.Positives)).Append(' ').Append(E(name))
            .Append(") it flags ").Append(Count(at.PredictedPositive)).Append(", with precision ").Append(F(at.Precision, 3)).Append(", recall ").Append(F(at.Recall, 3))
            .Append(" and F1 ").Append(F(at.F1, 3)).Append(".</p>");
        if (sweep.BestF1.F1 > at.F1 + 1e-9)
            html.Append("<p class=\"muted\">The highest F1 on these rows, ").Append(F(sweep.BestF1.F1, 3)).Append(", is at ").Append(F(sweep.BestF1.Threshold, 3))
                .Append(". A threshold chosen on the rows it is judged on flatters itself: <code>lepton train --threshold f1</code> (or <code>precision=P</code>, <code>recall=R</code>) chooses one on held-out training rows.</p>");
        var lines = new List<ChartSeries>
        {
            new("precision", [.. sweep.Grid.Select(p => new ChartPoint(p.Threshold, p.Precision))]),
            new("recall", [.. sweep.Grid.Select(p => new ChartPoint(p.Threshold, p.Recall))]),
            new("F1", [.. sweep.Grid.Select(p => new ChartPoint(p.Threshold, p.F1))]),
            new($"model's threshold {F(threshold, 3)}", [new ChartPoint(threshold, 0), new ChartPoint(threshold, 1)]),
        };
        html.Append(SvgLineChart.Render(new ChartOptions($"Precision, recall and F1 of {name} against the threshold", "threshold", "", Width: 560, Height: 280,
            XMin: 0, XMax: 1, YMin: 0, YMax: 1, Data: new Dictionary<string, string> { ["chart"] = "threshold", ["threshold"] = X(threshold), ["best-f1-threshold"] = X(sweep.BestF1.Threshold) }), lines));
        html.Append("<table class=\"thresholds\"><tr><th>threshold</th><th>flagged</th><th>precision</th><th>recall</th><th>F1</th></tr>");
        var rows = Listed.Select(t => ThresholdSweep.At(probabilities, positive, t)).Append(at).DistinctBy(p => p.Threshold).OrderBy(p => p.Threshold);
        foreach (var p in rows)
        {
            bool own = p.Threshold == threshold;
            html.Append("<tr data-threshold=\"").Append(X(p.Threshold)).Append("\" data-precision=\"").Append(X(p.Precision)).Append("\" data-recall=\"").Append(X(p.Recall)).Append("\">")
                .Append("<td>").Append(own ? "<b>" : "").Append(F(p.Threshold, 3)).Append(own ? " (model)</b>" : "").Append("</td><td>").Append(Count(p.PredictedPositive))
                .Append("</td><td>").Append(F(p.Precision, 3)).Append("</td><td>").Append(F(p.Recall, 3)).Append("</td><td>").Append(F(p.F1, 3)).Append("</td></tr>");
        }
        html.Append("</table>");
        return new ReportSection("threshold", "threshold", "Decision threshold", html.ToString());
    }
}
