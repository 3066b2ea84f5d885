namespace Lepton.Serving.Batching;

/// <summary>When a batcher whose worker is free waits for more requests before running what is queued.</summary>
public enum BatchWait
{
    /// <summary>
    /// Never wait while the worker is free: what is queued runs at once, and requests that arrive while a batch runs
    /// gather into the next one. Batches grow with the load by themselves, so waiting would only add latency.
    /// </summary>
    Adaptive,

    /// <summary>
    /// As <see cref="Adaptive"/>, and a request of up to 8 rows that finds no forward pass running and nothing queued runs
    /// at once on its own thread: with one request in flight there is nothing to batch, and the hand-off to the worker thread and back
    /// costs more than a small model's forward pass.
    /// </summary>
    Inline,

    /// <summary>Wait up to the queue delay unless the previous batch held a single request (nobody else is coming).</summary>
    SkipWhenIdle,

    /// <summary>Always wait up to the queue delay for a batch to fill: the classic fixed-delay batcher.</summary>
    Always,
}

/// <summary>The names <see cref="BatchWait"/> goes by on the command line and in <c>lepton.yaml</c>.</summary>
public static class BatchWaitNames
{
    /// <summary>Every accepted name, in the enum's order: <c>adaptive</c>, <c>inline</c>, <c>skip-when-idle</c>, <c>always</c>.</summary>
    public static IReadOnlyList<string> All { get; } = ["adaptive", "inline", "skip-when-idle", "always"];

    /// <summary>The policy a name stands for; throws naming the accepted names otherwise.</summary>
    public static BatchWait Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "adaptive" => BatchWait.Adaptive,
        "inline" => BatchWait.Inline,
        "skip-when-idle" => BatchWait.SkipWhenIdle,
        "always" => BatchWait.Always,
        _ => throw new ArgumentException($"Unknown batch wait policy '{name}'; use one of {string.Join(", ", All)}."),
    };
}
