using Lepton.Data.Profiles;

namespace Lepton.Serving.Http;

/// <summary>
/// One example the server answered, as the prediction log keeps it; when the model failed on it, Error holds a short
/// reason and there is no top label, so monitoring can compute the error rate per version. For a predictor that is not a
/// classifier, TopLabel is null, TopIndex -1 and Probabilities holds the row's output values. A table model's row carries its
/// raw columns as a JSON object in Row.
/// </summary>
public sealed record PredictionEvent(
    string PredictionId,
    string Model,
    int? Version,
    string VersionLabel,
    DateTimeOffset At,
    double LatencyMs,
    ExampleStatistics Input,
    string? TopLabel,
    int TopIndex,
    float[] Probabilities,
    float[]? RawInput,
    string? Error = null,
    LoggedText? Text = null,
    string? Row = null,
    (double Lower, double Upper)? Interval = null);

/// <summary>
/// A served text as the log needs it: the text, its unpadded token ids and the model's encoder, whose reference turns them
/// into <see cref="TextStatistics"/> on the log's background task. Sampled texts are kept whole as the raw input.
/// </summary>
public sealed record LoggedText(string Text, int[] Ids, Lepton.Runtime.Text.TextInputEncoder Encoder, bool Sampled);

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
