namespace Lepton.Serving.Models;

/// <summary>
/// How the manager follows the registry: it checks alias references every <paramref name="AliasPollInterval"/>
/// (default 2 s; <see cref="Timeout.InfiniteTimeSpan"/> turns following off) and waits at most
/// <paramref name="DrainTimeout"/> (default 30 s) for in-flight requests when it unloads a model or shuts down.
/// </summary>
public sealed record ModelManagerOptions(TimeSpan? AliasPollInterval = null, TimeSpan? DrainTimeout = null)
{
    public TimeSpan PollInterval => AliasPollInterval ?? TimeSpan.FromSeconds(2);

    public TimeSpan Drain => DrainTimeout ?? TimeSpan.FromSeconds(30);
}
