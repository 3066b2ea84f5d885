using System.Text;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>The table sections of a model on the dashboard: versions, lineage, live metrics, loop decisions and alerts.</summary>
public static class DashboardSections
{
    public static string Versions(DashboardModel model)
    {
        var html = new StringBuilder();
        if (model.Served is { } s)
        {
            html.Append("<p>Served as <code>").Append(Html.E(s.Reference)).Append("</code>");
            if (s.CanaryReference is not null)
                html.Append(" with canary <code>").Append(Html.E(s.CanaryReference)).Append("</code> taking ").Append(Html.Percent(s.CanaryFraction)).Append(" of requests");
            html.Append(s.Ready ? " · <span class=\"ok\">ready</span>" : " · <span class=\"bad\">not ready</span>").Append("</p>");
            if (s.LastError is not null) html.Append("<p class=\"bad\">Last error: ").Append(Html.E(s.LastError)).Append("</p>");
        }
        else
        {
            html.Append("<p class=\"muted\">Registered, not served by this server.</p>");
        }
        if (model.Versions.Count == 0) return html.Append("<p class=\"muted\">No versions.</p>").ToString();
        html.Append("<table class=\"versions\"><thead><tr><th>version</th><th>aliases</th><th>created</th><th>accuracy</th><th>run</th><th>dataset</th><th>serving</th><th>traffic</th></tr></thead><tbody>");
        foreach (var v in model.Versions)
        {
            string cls = v.Aliases.Contains("production") ? " class=\"production\"" : v.Aliases.Contains("staging") ? " class=\"staging\"" : "";
            html.Append("<tr").Append(cls).Append("><td>").Append(Html.E(v.Label)).Append("</td><td>");
            foreach (var a in v.Aliases) html.Append("<span class=\"alias alias-").Append(Html.E(a)).Append("\">").Append(Html.E(a)).Append("</span> ");
            html.Append("</td><td>").Append(Html.Time(v.CreatedAt)).Append("</td><td>").Append(Html.Percent(v.Accuracy))
                .Append("</td><td><code>").Append(Html.E(v.RunId ?? "–")).Append("</code></td><td>").Append(Html.E(v.DatasetRef ?? "–"))
                .Append("</td><td>").Append(Html.E(Serving(v))).Append("</td><td>").Append(v.State is null ? "–" : Html.Percent(v.TrafficShare)).Append("</td></tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    private static string Serving(VersionInfo v) =>
        v.State is null ? "–" : $"{v.State.ToLowerInvariant()}{(v.Primary ? ", primary" : "")}{(v.Canary ? ", canary" : "")}{(v.Error is null ? "" : ": " + v.Error)}";

    public static string Lineage(DashboardModel model)
    {
        if (model.Lineage is not { } l) return "<p class=\"muted\">No registered version to trace.</p>";
        var html = new StringBuilder("<ol class=\"lineage\">");
        html.Append("<li><strong>").Append(Html.E($"{model.Name}@{l.Version}")).Append("</strong>")
            .Append(l.Alias is null ? "" : $" ({Html.E(l.Alias)})").Append("</li>");
        if (l.Run is { } r)
        {
            html.Append("<li>run <code>").Append(Html.E(r.Id)).Append("</code> ").Append(Html.E(r.Name)).Append(" · ").Append(Html.E(r.Status))
                .Append(" · started ").Append(Html.Time(r.StartedAt));
            if (r.Seed is { } seed) html.Append(" · seed ").Append(seed);
            if (r.Parameters.Count > 0)
            {
                html.Append("<div class=\"params\">");
                foreach (var (k, v) in r.Parameters) html.Append("<span><b>").Append(Html.E(k)).Append("</b>=").Append(Html.E(v)).Append("</span> ");
                html.Append("</div>");
            }
            html.Append("</li>");
        }
        else
        {
            html.Append("<li class=\"muted\">no run recorded</li>");
        }
        if (l.Datasets.Count == 0) html.Append("<li class=\"muted\">").Append(Html.E(l.DatasetRef is null ? "no dataset recorded" : $"dataset {l.DatasetRef}")).Append("</li>");
        foreach (var d in l.Datasets)
        {
            html.Append("<li class=\"dataset\" style=\"margin-left:").Append(Html.Number(d.Depth * 1.5, 1)).Append("em\">dataset <strong>").Append(Html.E(d.Ref)).Append("</strong> <span class=\"muted\">")
                .Append(Html.E(d.Relation)).Append("</span>");
            if (d.Missing) html.Append(" <span class=\"bad\">not in the store</span>");
            else html.Append(" · created ").Append(Html.Time(d.CreatedAt));
            if (d.BaseRef is not null) html.Append(" · built on <strong>").Append(Html.E(d.BaseRef)).Append("</strong>");
            html.Append("</li>");
        }
        html.Append("<li>code version <code>").Append(Html.E(l.CodeVersion ?? "unknown")).Append("</code></li>");
        return html.Append("</ol>").ToString();
    }

    public static string Live(IReadOnlyList<LiveVersionMetrics> live)
    {
        if (live.Count == 0) return "<p class=\"muted\">No requests yet.</p>";
        var html = new StringBuilder("<table class=\"live\"><thead><tr><th>version</th><th>HTTP requests</th><th>errors</th><th>latency p50</th><th>latency p99</th>" +
                                     "<th>inferences</th><th>rows</th><th>batches</th><th>mean batch</th><th>forward p50</th><th>failed</th><th>rejected</th></tr></thead><tbody>");
        foreach (var v in live)
        {
            html.Append("<tr><td>").Append(Html.E(v.Version)).Append("</td><td>").Append(Html.Count(v.HttpRequests)).Append("</td><td")
                .Append(v.HttpErrors > 0 ? " class=\"bad\"" : "").Append('>').Append(Html.Count(v.HttpErrors)).Append("</td><td>")
                .Append(Ms(v.LatencyP50Ms)).Append("</td><td>").Append(Ms(v.LatencyP99Ms)).Append("</td><td>").Append(Html.Count(v.InferenceRequests))
                .Append("</td><td>").Append(Html.Count(v.Rows)).Append("</td><td>").Append(Html.Count(v.Batches)).Append("</td><td>")
                .Append(Html.Number(v.MeanBatchSize, 1)).Append("</td><td>").Append(Ms(v.ForwardP50Ms)).Append("</td><td>").Append(Html.Count(v.Failed))
                .Append("</td><td>").Append(Html.Count(v.Rejected)).Append("</td></tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    private static string Ms(double? ms) => ms is null ? "–" : Html.Number(ms, 2) + " ms";

    public static string Decisions(DashboardModel model)
    {
        var html = new StringBuilder();
        if (model.Decisions.Count == 0) html.Append("<p class=\"muted\">The loop has made no decisions for this model.</p>");
        else
        {
            html.Append("<table class=\"decisions\"><thead><tr><th>time</th><th>step</th><th>decision</th><th>champion → challenger</th><th>reason</th></tr></thead><tbody>");
            foreach (var d in model.Decisions.OrderByDescending(d => d.At).ThenByDescending(d => d.Id))
            {
                html.Append("<tr><td>").Append(Html.Time(d.At)).Append("</td><td>").Append(Html.E(d.Step)).Append("</td><td><strong>").Append(Html.E(d.Decision))
                    .Append("</strong></td><td>").Append(Html.E($"{V(d.ChampionVersion)} → {V(d.ChallengerVersion)}")).Append("</td><td>").Append(Html.E(d.Reason)).Append("</td></tr>");
            }
            html.Append("</tbody></table>");
        }
        html.Append("<h4>Recent alerts</h4>");
        if (model.Alerts.Count == 0) return html.Append("<p class=\"muted\">No alerts.</p>").ToString();
        html.Append("<table class=\"alerts\"><thead><tr><th>fired</th><th>version</th><th>rule</th><th>value</th><th>threshold</th><th>message</th></tr></thead><tbody>");
        foreach (var a in model.Alerts.OrderByDescending(a => a.FiredAt))
        {
            html.Append("<tr><td>").Append(Html.Time(a.FiredAt)).Append("</td><td>").Append(Html.E(V(a.Version))).Append("</td><td><code>").Append(Html.E(a.Rule))
                .Append("</code></td><td>").Append(Html.Number(a.Value, 4)).Append("</td><td>").Append(Html.Number(a.Threshold, 4)).Append("</td><td>")
                .Append(Html.E(a.Message)).Append("</td></tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    private static string V(int? version) => version is { } v ? $"v{v}" : "–";
}
