namespace Lepton.Compression.Tuning.Distributed;

/// <summary>
/// How a worker takes part in a shared study: its name in the store, how long its claim on a trial lasts without a
/// heartbeat (a worker silent that long is taken for dead and its trial goes to another), and how often an idle worker
/// looks again for trials to take over while others train.
/// </summary>
public sealed record SharedStudyOptions(string? Worker = null, TimeSpan? Lease = null, TimeSpan? Poll = null)
{
    public string WorkerName { get; } = Worker ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    public TimeSpan LeaseTime => Lease ?? TimeSpan.FromMinutes(2);

    /// <summary>A quarter of the lease unless told: three heartbeats can be missed before the claim lapses.</summary>
    public TimeSpan HeartbeatInterval => LeaseTime / 4;

    public TimeSpan PollInterval => Poll ?? TimeSpan.FromSeconds(Math.Clamp(LeaseTime.TotalSeconds / 4, 0.1, 15));

    public void Validate()
    {
        if (LeaseTime < TimeSpan.FromMilliseconds(200))
            throw new ArgumentException($"--lease must be at least 200 ms (heartbeats run every quarter of it), got {LeaseTime}.");
        if (WorkerName.Length is 0 or > 200) throw new ArgumentException("A worker name has 1 to 200 characters.");
    }
}
