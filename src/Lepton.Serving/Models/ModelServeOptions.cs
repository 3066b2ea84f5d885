using Lepton.Serving.Batching;

namespace Lepton.Serving.Models;

/// <summary>
/// One model to serve, declared rather than wired: a reference (<c>fashion@production</c>, <c>fashion@3</c>,
/// <c>fashion</c> or a folder), its batching limits, and an optional canary reference that receives
/// <paramref name="CanaryFraction"/> of the requests that name no version. <paramref name="Name"/> overrides the
/// served name (by default the reference's model name, or the folder's name). <paramref name="Wait"/>
/// says when a free worker waits <paramref name="MaxQueueDelay"/> for company (by default never: batches form while one runs, and a lone request runs on its own thread).
/// </summary>
public sealed record ModelServeOptions(
    string Reference,
    int MaxBatchSize = 32,
    TimeSpan? MaxQueueDelay = null,
    int MaxQueueRows = 1024,
    string? Canary = null,
    double CanaryFraction = 0,
    string? Name = null,
    BatchWait Wait = BatchWait.Inline)
{
    /// <summary>The batching part of these options.</summary>
    public DynamicBatcherOptions Batching => new(MaxBatchSize, MaxQueueDelay, MaxQueueRows, Wait);

    /// <summary>Throws with the field and the accepted range when an option is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Reference))
            throw new ArgumentException("A model to serve needs a reference: name, name@3, name@alias or a folder.", nameof(Reference));
        Batching.Validate();
        if (double.IsNaN(CanaryFraction) || CanaryFraction < 0 || CanaryFraction > 1)
            throw new ArgumentOutOfRangeException(nameof(CanaryFraction), $"CanaryFraction must be between 0 and 1 (10% is 0.1), got {CanaryFraction}.");
        if (Canary is null && CanaryFraction > 0)
            throw new ArgumentException($"CanaryFraction is {CanaryFraction} but no Canary reference is given; name the canary, e.g. fashion@staging.", nameof(Canary));
    }
}
