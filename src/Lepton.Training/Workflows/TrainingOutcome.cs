using Lepton.Training.Metrics;

namespace Lepton.Training.Workflows;

/// <summary>The result of a workflow run: where the model is, the per-epoch history and the test-set report.</summary>
public sealed record TrainingOutcome(
    string ModelDirectory,
    TrainingHistory History,
    ClassificationReport? TestReport,
    double SecondsPerEpoch,
    double ImagesPerSecond)
{
    /// <summary>True when the run was stopped (Ctrl+C) before its last epoch; the folder then holds the last complete epoch.</summary>
    public bool Cancelled => History.Cancelled;
}
