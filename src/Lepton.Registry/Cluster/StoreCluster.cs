using Lepton.Registry.Store;
using Microsoft.Extensions.Logging;

namespace Lepton.Registry.Cluster;

/// <summary>
/// What a store's backend offers replicas that share it: PostgreSQL gives alias notices, leader election and shared rate
/// windows; the embedded SQLite store serves one process, which needs none of them and always leads.
/// </summary>
public static class StoreCluster
{
    /// <summary>True when several processes may serve from this store at once.</summary>
    public static bool IsShared(IRegistryStore store) => store is PostgresRegistryStore;

    /// <summary>A feed of alias changes made by any process, or null when the backend cannot notify (SQLite: polling only).</summary>
    public static IAliasChangeFeed? AliasChanges(IRegistryStore store, ClusterOptions? options = null, ILogger? logger = null) =>
        store is PostgresRegistryStore postgres ? new PostgresAliasListener(postgres, options, logger) : null;

    /// <summary>The leader election for a role: an advisory lock on PostgreSQL; on SQLite this process always leads.</summary>
    public static ILeaderElection Leader(IRegistryStore store, string role, ClusterOptions? options = null, ILogger? logger = null) =>
        store is PostgresRegistryStore postgres ? new PostgresLeaderElection(postgres, role, options, logger) : new SingleProcessLeader(role);

    /// <summary>Rate windows shared by every replica, or null when the store serves one process (the in-process limiter suffices).</summary>
    public static IRateWindowStore? RateWindows(IRegistryStore store, TimeProvider? clock = null) =>
        store is PostgresRegistryStore postgres ? new PostgresRateWindowStore(postgres, clock) : null;
}
