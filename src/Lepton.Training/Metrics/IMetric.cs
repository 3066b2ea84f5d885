using Lepton.Engine;

namespace Lepton.Training.Metrics;

/// <summary>
/// A metric over a stream of batches: <see cref="Reset"/>, <see cref="Update"/> with each batch's raw model outputs
/// (N, k) and targets, then <see cref="Compute"/>. Fit reports it as <see cref="Name"/> and <c>val_</c> + Name.
/// </summary>
public interface IMetric
{
    /// <summary>Lower-case name used in epoch records, logs and monitors, e.g. <c>rmse</c>.</summary>
    string Name { get; }

    /// <summary>True when a larger value is better (accuracy, F1, R²); false for errors and losses.</summary>
    bool HigherIsBetter { get; }

    void Reset();

    /// <summary>Adds one batch: raw outputs (logits or values) and targets in the task's form.</summary>
    void Update(Tensor outputs, Tensor targets);

    /// <summary>The value over every batch since the last reset; NaN before the first update.</summary>
    double Compute();
}
