using Lepton.Training.Metrics;

namespace Lepton.Training.Workflows;

/// <summary>
/// The result of a workflow run: where the model is, the per-epoch history and the test-set report
/// (<see cref="TestReport"/> for a multiclass model; <see cref="TestEvaluation"/> for every task).
/// </summary>
public sealed record TrainingOutcome(
    string ModelDirectory,
    TrainingHistory History,
    ClassificationReport? TestReport,
    double SecondsPerEpoch,
    double ImagesPerSecond)
{
    /// <summary>True when the run was stopped (Ctrl+C) before its last epoch; the folder then holds the last complete epoch.</summary>
    public bool Cancelled => History.Cancelled;

    /// <summary>The task's evaluation on the test split (the same object as <see cref="TestReport"/> for multiclass); null when cancelled.</summary>
    public ITaskReport? TestEvaluation { get; init; }
}
