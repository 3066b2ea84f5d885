namespace Lepton.Serving.Http;

/// <summary>Summary statistics of one example's raw input, kept in the prediction log for drift monitoring.</summary>
public sealed record InputSummary(double Mean, double Std, double Min, double Max);

/// <summary>One answered example, as the prediction log keeps it.</summary>
public sealed record PredictionEvent(
    string PredictionId,
    string Model,
    int? Version,
    string VersionLabel,
    DateTimeOffset At,
    double LatencyMs,
    InputSummary Input,
    string TopLabel,
    int TopIndex,
    float[] Probabilities,
    float[]? RawInput);

/// <summary>A true label a client reports for an earlier prediction.</summary>
public sealed record FeedbackItem(string PredictionId, string Model, string Label, string Actor);

/// <summary>
/// Where the HTTP layer sends what it learns: predictions (queued, never blocking the request) and feedback
/// (awaited until durably stored, so an acknowledged feedback record is never lost).
/// </summary>
public interface IPredictionSink
{
    void Enqueue(PredictionEvent prediction);

    Task RecordFeedbackAsync(IReadOnlyList<FeedbackItem> feedback, CancellationToken ct);
}
