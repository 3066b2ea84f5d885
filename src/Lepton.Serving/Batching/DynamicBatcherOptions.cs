namespace Lepton.Serving.Batching;

/// <summary>
/// How one model version batches: up to <paramref name="MaxBatchSize"/> rows per forward pass, waiting at most
/// <paramref name="MaxQueueDelay"/> (default 2 ms) after the first queued row when <paramref name="Wait"/> says to wait,
/// with at most <paramref name="MaxQueueRows"/> rows waiting.
/// </summary>
public sealed record DynamicBatcherOptions(int MaxBatchSize = 32, TimeSpan? MaxQueueDelay = null, int MaxQueueRows = 1024,
    BatchWait Wait = BatchWait.Always)
{
    public static TimeSpan DefaultMaxQueueDelay { get; } = TimeSpan.FromMilliseconds(2);

    public TimeSpan QueueDelay => MaxQueueDelay ?? DefaultMaxQueueDelay;

    /// <summary>Throws with the field and the accepted range when an option is out of range.</summary>
    public void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), $"MaxBatchSize must be at least 1, got {MaxBatchSize}.");
        if (MaxQueueRows < MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(MaxQueueRows),
                $"MaxQueueRows ({MaxQueueRows}) must be at least MaxBatchSize ({MaxBatchSize}) so that one full batch fits in the queue.");
        if (QueueDelay < TimeSpan.Zero || QueueDelay > TimeSpan.FromSeconds(10))
            throw new ArgumentOutOfRangeException(nameof(MaxQueueDelay), $"MaxQueueDelay must be between 0 and 10 s, got {QueueDelay.TotalMilliseconds} ms.");
    }
}
