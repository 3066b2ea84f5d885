using Lepton.Registry.Cluster;
using Lepton.Serving.Models;

namespace Lepton.Serving.Http;

/// <summary>
/// How this replica stands in its cluster, for <c>GET /metrics</c>: which roles it leads (<c>lepton_leader{role="alerts"} 1</c>),
/// and whether alias notices from the shared store reach it.
/// </summary>
public sealed class ClusterMetrics(IReadOnlyList<ILeaderElection> leaders, ModelManager models) : IMetricsSource
{
    public void Write(PrometheusText text)
    {
        text.Declare("lepton_leader", "gauge", "1 while this replica leads the role for the whole cluster (alerts: records alerts), else 0.");
        foreach (var leader in leaders) text.Sample("lepton_leader", leader.IsLeader ? 1 : 0, ("role", leader.Role));
        text.Declare("lepton_alias_listener_up", "gauge", "1 while alias notices from the shared store (PostgreSQL LISTEN) reach this replica; polling follows aliases either way.");
        text.Sample("lepton_alias_listener_up", models.IsListeningForAliasChanges ? 1 : 0);
        text.Declare("lepton_alias_notices_total", "counter", "Alias notices received from the shared store.");
        text.Sample("lepton_alias_notices_total", models.AliasNoticesReceived);
        text.Declare("lepton_alias_polls_total", "counter", "Alias polls: every 2 s while notices do not arrive, every 30 s (a safety net) while they do.");
        text.Sample("lepton_alias_polls_total", models.AliasPolls);
    }
}
