namespace Lepton.Training;

/// <summary>
/// Progress after a training batch: the batch's loss, running loss and accuracy over the epoch so far,
/// throughput and the rate used. Epoch counts from 1, Batch from 1 within the epoch.
/// </summary>
public sealed record BatchMetrics(
    int Epoch,
    int Batch,
    int BatchesPerEpoch,
    double Loss,
    double RunningLoss,
    double? RunningAccuracy,
    double SamplesPerSecond,
    double LearningRate,
    int SamplesSeen,
    TimeSpan EpochElapsed);
