using System.Globalization;
using System.Text;
using Lepton.Reports.Html;

namespace Lepton.Reports.Cards;

/// <summary>A <see cref="ModelCard"/> as one self-contained HTML page (card.html): the reports' style, no scripts, no outside requests.</summary>
public static class ModelCardHtml
{
    public static string Render(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var html = HtmlParts.Begin("Model card: " + card.Display);
        html.Append("<p class=\"purpose\">").Append(HtmlParts.E(card.Purpose)).Append("</p>");
        html.Append("<h2>Model</h2><dl>");
        Item(html, "task", card.Task);
        Item(html, "inputs", card.Inputs);
        if (card.ClassNames.Count > 0) Item(html, "classes", string.Join(", ", card.ClassNames));
        Item(html, "runtime", card.Kind);
        Item(html, "architecture", card.Architecture);
        Item(html, "registered", $"{card.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by {card.CreatedBy}");
        if (card.Aliases.Count > 0) Item(html, "aliases", string.Join(", ", card.Aliases));
        html.Append("</dl><h2>Data and lineage</h2>");
        HtmlParts.LineageList(html, card.Lineage, card.EvaluatedExamples is { } n ? $"{n.ToString("N0", CultureInfo.InvariantCulture)} held-out examples" : "not recorded");
        html.Append("<h2>Metrics</h2>");
        if (card.EvaluationNote is not null) html.Append("<p class=\"warn\">").Append(HtmlParts.E(card.EvaluationNote)).Append("</p>");
        html.Append("<table class=\"metrics\"><tr><th>metric</th><th>value</th><th>interval</th></tr>");
        foreach (var m in card.Metrics)
        {
            html.Append("<tr data-metric=\"").Append(HtmlParts.E(m.Name)).Append("\"><td>").Append(HtmlParts.E(m.Name)).Append("</td><td>").Append(HtmlParts.F(m.Value)).Append("</td>");
            HtmlParts.IntervalCell(html, m.Interval);
            html.Append("</tr>");
        }
        html.Append("</table>");
        if (card.WeakestClasses.Count > 0)
        {
            html.Append("<h2>Where it is weak</h2><table class=\"weakest\"><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
            foreach (var c in card.WeakestClasses)
                html.Append("<tr><td>").Append(HtmlParts.E(c.Name)).Append("</td><td>").Append(HtmlParts.F(c.Precision)).Append("</td><td>").Append(HtmlParts.F(c.Recall))
                    .Append("</td><td>").Append(HtmlParts.F(c.F1)).Append("</td><td>").Append(HtmlParts.Count(c.Support)).Append("</td></tr>");
            html.Append("</table>");
        }
        if (card.Confusions.Count > 0)
        {
            html.Append("<p>Most confused (true → predicted):</p><ul>");
            foreach (var c in card.Confusions)
                html.Append("<li>").Append(HtmlParts.E($"{c.Actual} → {c.Predicted}: {c.Count.ToString("N0", CultureInfo.InvariantCulture)} examples ({c.ShareOfActual.ToString("P1", CultureInfo.InvariantCulture)} of {c.Actual})")).Append("</li>");
            html.Append("</ul>");
        }
        if (card.Groups.Count > 0 && Tables.GroupFairnessView.Section(card.Groups, [], $"{card.GroupsData} test") is { } groups)
            html.Append("<h2>Groups</h2>").Append(groups.Html);
        html.Append("<h2>How it was made from other models</h2>");
        if (card.Derivation.Count == 0) html.Append("<p>Trained from scratch: no quantization, pruning, distillation, LoRA or parent model recorded.</p>");
        else
        {
            html.Append("<ol class=\"derivation\">");
            foreach (var s in card.Derivation)
                html.Append("<li>").Append(HtmlParts.E($"{s.Model}: {s.Method} of {s.From}")).Append(s.Details.Length > 0 ? " <span class=\"muted\">(" + HtmlParts.E(s.Details) + ")</span>" : "").Append("</li>");
            html.Append("</ol>");
        }
        html.Append("<h2>Limits</h2><ul class=\"limits\">");
        foreach (var limit in card.Limits) html.Append("<li>").Append(HtmlParts.E(limit)).Append("</li>");
        html.Append("</ul><p class=\"muted\">Written by lepton models card from the registry's records.</p>");
        return HtmlParts.End(html);
    }

    private static void Item(StringBuilder html, string key, string value) =>
        html.Append("<dt>").Append(HtmlParts.E(key)).Append("</dt><dd>").Append(HtmlParts.E(value)).Append("</dd>");
}
