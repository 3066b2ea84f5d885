namespace Lepton.Serving.Batching;

/// <summary>When a batcher whose worker is free waits for more requests before running what is queued.</summary>
public enum BatchWait
{
    /// <summary>
    /// Never wait while the worker is free: what is queued runs at once, and requests that arrive while a batch runs
    /// gather into the next one. Batches grow with the load by themselves, so waiting would only add latency.
    /// </summary>
    Adaptive,

    /// <summary>Wait up to the queue delay unless the previous batch held a single request (nobody else is coming).</summary>
    SkipWhenIdle,

    /// <summary>Always wait up to the queue delay for a batch to fill: the classic fixed-delay batcher.</summary>
    Always,
}

/// <summary>The names <see cref="BatchWait"/> goes by on the command line and in <c>lepton.yaml</c>.</summary>
public static class BatchWaitNames
{
    /// <summary>Every accepted name, in the enum's order: <c>adaptive</c>, <c>skip-when-idle</c>, <c>always</c>.</summary>
    public static IReadOnlyList<string> All { get; } = ["adaptive", "skip-when-idle", "always"];

    /// <summary>The policy a name stands for; throws naming the accepted names otherwise.</summary>
    public static BatchWait Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "adaptive" => BatchWait.Adaptive,
        "skip-when-idle" => BatchWait.SkipWhenIdle,
        "always" => BatchWait.Always,
        _ => throw new ArgumentException($"Unknown batch wait policy '{name}'; use one of {string.Join(", ", All)}."),
    };
}
