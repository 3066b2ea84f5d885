namespace Lepton.Registry.Cluster;

/// <summary>The embedded store (SQLite) serves one process, which therefore always leads.</summary>
public sealed class SingleProcessLeader(string role) : ILeaderElection
{
    public string Role { get; } = LeaderRole.Check(role);

    public bool IsLeader => true;

    public void Start()
    {
        // Nothing to contend with.
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
