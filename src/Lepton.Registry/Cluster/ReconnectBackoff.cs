namespace Lepton.Registry.Cluster;

/// <summary>Waits between reconnect attempts: 250 ms doubling up to a ceiling, with jitter so replicas that lost the server together do not return together.</summary>
internal sealed class ReconnectBackoff(TimeSpan ceiling)
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(250);
    private TimeSpan _next = First;

    public TimeSpan Next()
    {
        var wait = _next * (0.75 + Random.Shared.NextDouble() * 0.5);
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, ceiling.Ticks));
        return wait < ceiling ? wait : ceiling;
    }

    public void Reset() => _next = First;
}
