namespace Lepton.Registry.Cluster;

/// <summary>
/// Elects one process per cluster for a role (the alert monitor, the loop's watcher): a process acts for the role only while
/// <see cref="IsLeader"/> is true; when the leader dies another process takes the role within a retry interval.
/// </summary>
public interface ILeaderElection : IAsyncDisposable
{
    /// <summary>What is led, e.g. "alerts" or "loop:fashion"; processes contend only with others on the same store and role.</summary>
    string Role { get; }

    /// <summary>True while this process holds the role.</summary>
    bool IsLeader { get; }

    /// <summary>Starts contending for the role in the background.</summary>
    void Start();
}
