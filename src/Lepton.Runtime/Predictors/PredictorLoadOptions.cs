namespace Lepton.Runtime;

/// <summary>How a predictor is prepared: the largest batch it will be given (kinds that split work use it as their step).</summary>
public sealed record PredictorLoadOptions(int MaxBatchSize = 256)
{
    public static PredictorLoadOptions Default { get; } = new();
}
