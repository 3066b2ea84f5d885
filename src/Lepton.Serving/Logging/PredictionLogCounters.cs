namespace Lepton.Serving.Logging;

/// <summary>
/// A snapshot of the prediction log for the metrics endpoint: entries stored, dropped (queue full, or a batch given
/// up after its retries), failed flush attempts, entries waiting now, and feedback stored or refused by the store.
/// </summary>
public sealed record PredictionLogCounters(long Logged, long Dropped, long FlushErrors, long Queued, long FeedbackRecorded, long FeedbackErrors);
