using Lepton.Registry.Store;

namespace Lepton.Serving.Logging;

/// <summary>The two store calls the prediction log needs; the registry store provides them (<see cref="RegistryPredictionStore"/>), tests fake them.</summary>
public interface IPredictionStore
{
    /// <summary>Stores a batch of predictions in one transaction; ids already stored are skipped.</summary>
    Task AppendPredictionsAsync(IReadOnlyList<PredictionRecord> predictions, CancellationToken ct);

    /// <summary>Stores one feedback record durably before returning.</summary>
    Task<FeedbackOutcome> RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken ct);
}
