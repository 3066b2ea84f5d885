using Lepton.Training.Workflows.CrossValidation;

namespace Lepton.Reports.Html;

/// <summary>Cross-validation as a self-contained page: the spread of every held-out metric over the folds, then each fold's values.</summary>
public static class CrossValidationHtml
{
    public static string Render(CrossValidationResult result, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = HtmlParts.Begin(title);
        Section(html, result);
        return HtmlParts.End(html);
    }

    /// <summary>The report section: <c>h2</c>, the summary table (one row per metric, <c>data-metric</c>) and the per-fold table.</summary>
    public static void Section(System.Text.StringBuilder html, CrossValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(result);
        html.Append("<h2 id=\"cross-validation\">Cross-validation</h2><p>")
            .Append(HtmlParts.E($"{result.FoldOutcomes.Count} of {result.Folds} stratified folds of the training split (seed {result.Seed}); each fold's model trained on the other folds and scored on it."))
            .Append(result.ParentRunId is { } run ? " Parent run <code>" + HtmlParts.E(run) + "</code>." : "").Append("</p>");
        if (result.Cancelled) html.Append("<p class=\"warn\">Stopped early: the spread covers the folds that finished.</p>");
        html.Append("<table class=\"cv-summary\"><tr><th>metric</th><th>mean</th><th>std</th><th>min</th><th>max</th></tr>");
        foreach (var m in result.Metrics)
            html.Append("<tr data-metric=\"").Append(HtmlParts.E(m.Name)).Append("\"><td>").Append(HtmlParts.E(m.Name)).Append("</td><td>").Append(HtmlParts.F(m.Mean))
                .Append("</td><td>").Append(HtmlParts.F(m.Std)).Append("</td><td>").Append(HtmlParts.F(m.Min)).Append("</td><td>").Append(HtmlParts.F(m.Max)).Append("</td></tr>");
        html.Append("</table><table class=\"cv-folds\"><tr><th>fold</th><th>trained on</th><th>held out</th>");
        foreach (var m in result.Metrics) html.Append("<th>").Append(HtmlParts.E(m.Name)).Append("</th>");
        html.Append("</tr>");
        foreach (var fold in result.FoldOutcomes)
        {
            html.Append("<tr><td>").Append(fold.Fold + 1).Append("</td><td>").Append(HtmlParts.Count(fold.TrainCount)).Append("</td><td>").Append(HtmlParts.Count(fold.HeldOutCount)).Append("</td>");
            foreach (var m in result.Metrics) html.Append("<td>").Append(HtmlParts.F(fold.Metrics[m.Name])).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
    }
}
