namespace Lepton.Serving.Batching;

/// <summary>
/// A model's batching queue has no room for the request's rows. Thrown at once instead of waiting, so the
/// HTTP layer can answer 429/503 with <see cref="RetryAfter"/>.
/// </summary>
public sealed class QueueFullException(string message, TimeSpan retryAfter) : Exception(message)
{
    /// <summary>When the queue is expected to have room again (an estimate from recent batch times).</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
