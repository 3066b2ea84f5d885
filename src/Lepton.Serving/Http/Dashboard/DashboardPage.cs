using System.Text;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>
/// The dashboard as one server-rendered HTML page: no scripts, no external assets (inline CSS and SVG), refreshed by the
/// browser every 15 seconds. Contributed panels are rendered per model after the built-in sections.
/// </summary>
public static class DashboardPage
{
    public const int RefreshSeconds = 15;

    public static async Task<string> RenderAsync(DashboardData data, IReadOnlyList<IDashboardPanel> panels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        var ordered = panels.OrderBy(p => p.Order).ToList();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append($"<meta http-equiv=\"refresh\" content=\"{RefreshSeconds}\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Lepton dashboard</title><style>")
            .Append(DashboardStyle.Css).Append("</style></head><body><header><h1>Lepton</h1><p>")
            .Append("Up ").Append(Html.E(Html.Duration(TimeSpan.FromSeconds(data.UptimeSeconds)))).Append(" since ").Append(Html.Time(data.StartedAt))
            .Append(" · page generated ").Append(Html.Time(data.GeneratedAt)).Append(" · refreshes every ").Append(RefreshSeconds).Append(" s</p>");
        if (data.Models.Count > 0)
        {
            html.Append("<nav>");
            foreach (var m in data.Models) html.Append("<a href=\"#").Append(Html.Anchor(m.Name)).Append("\">").Append(Html.E(m.Name)).Append("</a> ");
            html.Append("</nav>");
        }
        html.Append("</header><main>");
        if (!data.HasRegistry) html.Append("<p class=\"note\">This server runs without the registry: only live serving data is shown.</p>");
        if (data.RegistryProblem is not null) html.Append("<p class=\"note bad\">").Append(Html.E(data.RegistryProblem)).Append("</p>");
        if (data.Models.Count == 0) html.Append("<p class=\"note\">No models are served or registered yet. Register one with lepton models register.</p>");
        foreach (var model in data.Models) await AppendModelAsync(html, model, ordered, ct);
        return html.Append("</main></body></html>").ToString();
    }

    private static async Task AppendModelAsync(StringBuilder html, DashboardModel model, IReadOnlyList<IDashboardPanel> panels, CancellationToken ct)
    {
        html.Append("<section class=\"model\" id=\"").Append(Html.Anchor(model.Name)).Append("\"><h2>").Append(Html.E(model.Name)).Append("</h2>");
        Section(html, "versions", "Versions", DashboardSections.Versions(model));
        Section(html, "lineage", "Lineage of the production version", DashboardSections.Lineage(model));
        Section(html, "runs", "Training runs", RunChartsHtml.Render(model.Runs));
        Section(html, "evaluation", model.Evaluation is { } e ? $"Evaluation of version {e.Version}" : "Evaluation",
            model.Evaluation is { } ev ? ConfusionMatrixHtml.Render(ev) : $"<p class=\"muted\">{Html.E(model.EvaluationNote ?? "No evaluation available.")}</p>");
        Section(html, "live", "Live metrics", DashboardSections.Live(model.Live));
        Section(html, "loop", "Loop decisions", DashboardSections.Decisions(model));
        foreach (var panel in panels)
        {
            string body;
            try
            {
                body = await panel.RenderHtmlAsync(model.Name, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken panel must not take the page down; the type names the problem without leaking details.
                body = $"<p class=\"bad\">This panel failed to render ({Html.E(ex.GetType().Name)}).</p>";
            }
            Section(html, "panel", panel.Title, body);
        }
        html.Append("</section>");
    }

    private static void Section(StringBuilder html, string kind, string title, string body)
    {
        html.Append("<div class=\"card ").Append(kind).Append("\"><h3>").Append(Html.E(title)).Append("</h3>").Append(body).Append("</div>");
    }
}
