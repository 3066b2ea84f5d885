using System.Text;
using Lepton.Data.Charts;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>Training curves of runs: a loss chart and an accuracy chart per run, per-epoch, as inline SVG.</summary>
public static class RunChartsHtml
{
    public static string Render(IReadOnlyList<RunCurves> runs)
    {
        if (runs.Count == 0) return "<p class=\"muted\">No runs are linked to this model's versions.</p>";
        var html = new StringBuilder("<div class=\"charts\">");
        foreach (var run in runs)
        {
            string heading = $"Run {run.Name} ({ShortId(run.RunId)}, {run.Status}) for {string.Join(", ", run.Roles)}";
            html.Append("<figure class=\"run\" data-run=\"").Append(Html.E(run.RunId)).Append("\"><figcaption>").Append(Html.E(heading)).Append("</figcaption>");
            var loss = Curves(run, "loss");
            var accuracy = Curves(run, "accuracy");
            if (loss.Count == 0 && accuracy.Count == 0) html.Append("<p class=\"muted\">This run logged no per-epoch loss or accuracy.</p>");
            if (loss.Count > 0) html.Append(SvgLineChart.Render(new ChartOptions("Loss", "epoch", "loss", WholeX: true), loss));
            if (accuracy.Count > 0) html.Append(SvgLineChart.Render(new ChartOptions("Accuracy", "epoch", "accuracy", YMax: 1, WholeX: true), accuracy));
            html.Append("</figure>");
        }
        return html.Append("</div>").ToString();
    }

    /// <summary>
    /// The per-epoch series whose key ends with <paramref name="suffix"/> (train first, then validation); the test_* values
    /// logged once after the last epoch are not curves.
    /// </summary>
    public static IReadOnlyList<ChartSeries> Curves(RunCurves run, string suffix) =>
        [.. run.Series.Where(s => s.Key.EndsWith(suffix, StringComparison.Ordinal) && !s.Key.StartsWith("test_", StringComparison.Ordinal))
            .OrderBy(s => s.Key.Length).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new ChartSeries(Label(s.Key), [.. s.Points.Select(p => new ChartPoint(p.Step, p.Value))]))];

    private static string Label(string key) =>
        key.StartsWith("val_", StringComparison.Ordinal) ? "validation " + key[4..] : key == "loss" || key == "accuracy" ? "train " + key : key;

    private static string ShortId(string id) => id.Length > 12 ? id[..12] : id;
}
