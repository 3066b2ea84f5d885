namespace Lepton.Serving.Logging;

/// <summary>
/// How the prediction log buffers and flushes: at most <paramref name="Capacity"/> entries wait in memory (more are
/// dropped and counted, never waited for); a batch is written when <paramref name="BatchSize"/> entries are queued
/// or <paramref name="FlushInterval"/> (default 1 s) after its first entry; a failed write is retried
/// <paramref name="MaxAttempts"/> times <paramref name="RetryDelay"/> apart (default 500 ms, doubling) before the
/// batch is dropped; disposal flushes what is queued for at most <paramref name="DrainTimeout"/> (default 10 s).
/// </summary>
public sealed record PredictionLogOptions(
    int Capacity = 10_000,
    int BatchSize = 256,
    TimeSpan? FlushInterval = null,
    int MaxAttempts = 5,
    TimeSpan? RetryDelay = null,
    TimeSpan? DrainTimeout = null)
{
    public TimeSpan EffectiveFlushInterval => FlushInterval ?? TimeSpan.FromSeconds(1);

    public TimeSpan EffectiveRetryDelay => RetryDelay ?? TimeSpan.FromMilliseconds(500);

    public TimeSpan EffectiveDrainTimeout => DrainTimeout ?? TimeSpan.FromSeconds(10);

    /// <summary>Throws when a value is out of range, naming the option and the accepted range.</summary>
    public void Validate()
    {
        if (Capacity is < 1 or > 10_000_000) throw new ArgumentOutOfRangeException(nameof(Capacity), $"Capacity must be 1..10000000, got {Capacity}.");
        if (BatchSize is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize must be 1..100000, got {BatchSize}.");
        if (MaxAttempts is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(MaxAttempts), $"MaxAttempts must be 1..100, got {MaxAttempts}.");
        if (EffectiveFlushInterval <= TimeSpan.Zero || EffectiveRetryDelay < TimeSpan.Zero || EffectiveDrainTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(FlushInterval), "FlushInterval must be positive; RetryDelay and DrainTimeout must not be negative.");
    }
}
