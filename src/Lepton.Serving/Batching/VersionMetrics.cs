namespace Lepton.Serving.Batching;

/// <summary>
/// Counters for one served model version, updated by its <see cref="DynamicBatcher"/>: batch sizes, queue
/// time, forward time, in-flight requests, queue depth, and outcome counts. All members are thread-safe.
/// </summary>
public sealed class VersionMetrics(string model, string version)
{
    private long _requests;
    private long _rows;
    private long _batches;
    private long _failed;
    private long _rejected;
    private long _canceled;
    private long _inFlight;
    private long _queuedRows;

    public string Model { get; } = model;

    /// <summary>The version label (<c>3</c>, or <c>folder</c> for a model served from a folder).</summary>
    public string Version { get; } = version;

    /// <summary>Rows per forward pass.</summary>
    public Histogram BatchSize { get; } = new(Histogram.BatchSizeBounds);

    /// <summary>Seconds a request's rows waited in the queue before their batch started.</summary>
    public Histogram QueueSeconds { get; } = new(Histogram.SecondsBounds);

    /// <summary>Seconds per forward pass.</summary>
    public Histogram ForwardSeconds { get; } = new(Histogram.SecondsBounds);

    public long Requests => Interlocked.Read(ref _requests);

    public long Rows => Interlocked.Read(ref _rows);

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Requests that ended with an exception from the model.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Requests refused because the queue was full.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Requests whose caller cancelled before the result came.</summary>
    public long Canceled => Interlocked.Read(ref _canceled);

    /// <summary>Requests accepted and not yet answered (queued or running).</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Rows waiting in the queue now.</summary>
    public long QueuedRows => Interlocked.Read(ref _queuedRows);

    internal void RequestStarted(int rows)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _rows, rows);
        Interlocked.Increment(ref _inFlight);
    }

    internal void RequestEnded() => Interlocked.Decrement(ref _inFlight);

    internal void RequestFailed() => Interlocked.Increment(ref _failed);

    internal void RequestRejected() => Interlocked.Increment(ref _rejected);

    internal void RequestCanceled() => Interlocked.Increment(ref _canceled);

    internal void QueueChanged(int deltaRows) => Interlocked.Add(ref _queuedRows, deltaRows);

    internal void BatchRan(int rows, TimeSpan forward)
    {
        Interlocked.Increment(ref _batches);
        BatchSize.Observe(rows);
        ForwardSeconds.Observe(forward.TotalSeconds);
    }
}
