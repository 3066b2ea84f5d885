using Lepton.Registry.Store;

namespace Lepton.Serving.Logging;

/// <summary>The prediction log on the registry store (SQLite or PostgreSQL) the server already uses for models and keys.</summary>
public sealed class RegistryPredictionStore(IRegistryStore store) : IPredictionStore
{
    public Task AppendPredictionsAsync(IReadOnlyList<PredictionRecord> predictions, CancellationToken ct) => store.AppendPredictionsAsync(predictions, ct);

    public Task<FeedbackOutcome> RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken ct) => store.RecordFeedbackAsync(feedback, ct);
}
