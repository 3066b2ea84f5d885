using Lepton.Runtime;

namespace Lepton.Serving.Models;

/// <summary>
/// How the manager follows the registry and loads versions: it checks alias references every <paramref name="AliasPollInterval"/>
/// (default 2 s; <see cref="Timeout.InfiniteTimeSpan"/> turns following off), waits at most <paramref name="DrainTimeout"/>
/// (default 30 s) for in-flight requests when it unloads a model or shuts down, and loads each version's folder with
/// <paramref name="Predictors"/> (default <see cref="PredictorLoader.Default"/>: Lepton models; add kinds with
/// <see cref="PredictorLoader.With"/> to serve other predictors).
/// </summary>
public sealed record ModelManagerOptions(TimeSpan? AliasPollInterval = null, TimeSpan? DrainTimeout = null, PredictorLoader? Predictors = null)
{
    /// <summary>On a shared store (PostgreSQL), also LISTEN for alias notices so a promote anywhere applies at once (default true).</summary>
    public bool ListenForAliasChanges { get; init; } = true;

    /// <summary>
    /// How often aliases are polled while notices arrive (default 30 s, a safety net); whenever the listening connection is
    /// down, or LISTEN is unavailable, the manager falls back to polling every <see cref="PollInterval"/>.
    /// </summary>
    public TimeSpan? PollIntervalWhileListening { get; init; }

    public TimeSpan PollInterval => AliasPollInterval ?? TimeSpan.FromSeconds(2);

    /// <summary>The effective poll interval while listening: never shorter than <see cref="PollInterval"/>.</summary>
    public TimeSpan ListeningPollInterval
    {
        get
        {
            var listening = PollIntervalWhileListening ?? TimeSpan.FromSeconds(30);
            return listening == Timeout.InfiniteTimeSpan || listening > PollInterval ? listening : PollInterval;
        }
    }

    public TimeSpan Drain => DrainTimeout ?? TimeSpan.FromSeconds(30);

    public PredictorLoader Loader => Predictors ?? PredictorLoader.Default;
}
