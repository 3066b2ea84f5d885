using System.Globalization;
using System.Text;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>
/// The confusion matrix as an HTML table heat map (rows: true class, columns: predicted; each cell shaded by its share
/// of the row, correct predictions in blue and mistakes in red) and the per-class precision and recall.
/// </summary>
public static class ConfusionMatrixHtml
{
    public static string Render(EvaluationInfo evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var html = new StringBuilder();
        html.Append("<p>Held-out accuracy <strong>").Append(Html.Percent(evaluation.Accuracy)).Append("</strong>");
        if (evaluation.Count is { } n) html.Append(" on ").Append(Html.Count(n)).Append(" examples");
        html.Append(". Rows are true classes, columns predicted ones; shading is the share of the row.</p>");
        html.Append("<div class=\"scroll\"><table class=\"confusion\"><thead><tr><th class=\"corner\">true \\ predicted</th>");
        foreach (var name in evaluation.Classes) html.Append("<th scope=\"col\">").Append(Html.E(name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (int i = 0; i < evaluation.ConfusionMatrix.Count; i++)
        {
            var row = evaluation.ConfusionMatrix[i];
            long total = row.Sum();
            html.Append("<tr><th scope=\"row\">").Append(Html.E(evaluation.Classes[i])).Append("</th>");
            for (int j = 0; j < row.Count; j++)
            {
                double share = total == 0 ? 0 : (double)row[j] / total;
                string tip = $"true {evaluation.Classes[i]}, predicted {evaluation.Classes[j]}: {row[j]} ({Html.Percent(share)} of the row)";
                html.Append($"<td class=\"cell{(i == j ? " diag" : "")}\" data-row=\"{i}\" data-col=\"{j}\" style=\"{Shade(share, i == j)}\" title=\"{Html.E(tip)}\">")
                    .Append(row[j].ToString(CultureInfo.InvariantCulture)).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div>");
        if (evaluation.PerClass.Count > 0)
        {
            html.Append("<table class=\"per-class\"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>");
            foreach (var c in evaluation.PerClass)
            {
                html.Append("<tr><td>").Append(Html.E(c.Name)).Append("</td><td>").Append(Html.Percent(c.Precision))
                    .Append("</td><td>").Append(Html.Percent(c.Recall)).Append("</td><td>").Append(Html.Number(c.F1, 3))
                    .Append("</td><td>").Append(Html.Count(c.Support)).Append("</td></tr>");
            }
            html.Append("</tbody></table>");
        }
        return html.ToString();
    }

    /// <summary>The cell's inline style: blue (diagonal) or red with opacity from its row share, light text on dark cells.</summary>
    public static string Shade(double share, bool diagonal)
    {
        string alpha = Math.Clamp(share, 0, 1).ToString("0.##", CultureInfo.InvariantCulture);
        string rgb = diagonal ? "37,99,235" : "220,38,38";
        return $"background:rgba({rgb},{alpha});color:{(share > 0.55 ? "#fff" : "#111827")}";
    }
}
