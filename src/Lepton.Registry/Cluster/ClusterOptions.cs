namespace Lepton.Registry.Cluster;

/// <summary>
/// How replicas on one PostgreSQL store coordinate: a live coordination connection is probed every <paramref name="ProbeInterval"/>
/// (default 5 s), a replica that does not lead tries for the role every <paramref name="RetryInterval"/> (default 3 s), and a
/// dropped connection is reopened after a backoff that doubles from 250 ms up to <paramref name="MaxBackoff"/> (default 30 s).
/// </summary>
public sealed record ClusterOptions(TimeSpan? ProbeInterval = null, TimeSpan? RetryInterval = null, TimeSpan? MaxBackoff = null)
{
    public TimeSpan Probe => ProbeInterval ?? TimeSpan.FromSeconds(5);

    public TimeSpan Retry => RetryInterval ?? TimeSpan.FromSeconds(3);

    public TimeSpan Backoff => MaxBackoff ?? TimeSpan.FromSeconds(30);

    /// <summary>Throws naming the setting when an interval is not between 10 ms and 1 hour.</summary>
    public ClusterOptions Validate()
    {
        Check(Probe, nameof(ProbeInterval));
        Check(Retry, nameof(RetryInterval));
        Check(Backoff, nameof(MaxBackoff));
        return this;
    }

    private static void Check(TimeSpan value, string name)
    {
        if (value < TimeSpan.FromMilliseconds(10) || value > TimeSpan.FromHours(1))
            throw new ArgumentOutOfRangeException(name, $"{name} must be between 10 ms and 1 hour, got {value}.");
    }
}
