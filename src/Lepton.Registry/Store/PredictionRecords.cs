namespace Lepton.Registry.Store;

/// <summary>
/// One served prediction as the log keeps it: which model version answered (Version is null for a model served
/// from a folder), when, how fast, summary statistics of the input and the output (top class and probabilities)
/// as JSON, and, for the sampled fraction of requests, the raw input as JSON.
/// </summary>
public sealed record PredictionRecord(
    string Id,
    string Model,
    int? Version,
    DateTimeOffset CreatedAt,
    double LatencyMs,
    string? PredictedLabel,
    string InputStatsJson,
    string OutputJson,
    string? RawInputJson = null);

/// <summary>
/// The true label for one prediction, given by a client after the fact. One record per prediction id; the model
/// is the one named in the feedback request, so feedback can be listed per model before its prediction is logged.
/// </summary>
public sealed record FeedbackRecord(string PredictionId, string Model, string Label, DateTimeOffset ReceivedAt, string Actor);

/// <summary>What <see cref="IRegistryStore.RecordFeedbackAsync"/> did with a feedback record.</summary>
public enum FeedbackOutcome
{
    /// <summary>First label for this prediction id.</summary>
    Recorded,

    /// <summary>The same label was already stored: nothing changed (re-posting is idempotent).</summary>
    Unchanged,

    /// <summary>A different label replaced the stored one; the change is in the audit log.</summary>
    Updated,
}
