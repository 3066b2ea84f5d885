namespace Lepton.Compression.Distillation;

/// <summary>
/// How <see cref="DistillationTrainer"/> trains a student: epochs, batching and shuffling (seeded), the optimizer and schedule by
/// the names <c>lepton train</c> uses, and the loss's temperature and mix of soft and hard targets.
/// </summary>
public sealed record DistillationOptions(
    int Epochs = 5,
    int BatchSize = 64,
    double LearningRate = 1e-3,
    string Optimizer = "adam",
    double WeightDecay = 0,
    string Schedule = "none",
    ulong Seed = 0,
    DistillationLossOptions? Loss = null)
{
    /// <summary>The loss options, defaults when none were given.</summary>
    public DistillationLossOptions LossOptions => Loss ?? new DistillationLossOptions();

    public DistillationOptions Validate()
    {
        if (Epochs < 0) throw new ArgumentException($"Distillation: epochs must be >= 0, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"Distillation: batch size must be >= 1, got {BatchSize}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"Distillation: learning rate must be > 0, got {LearningRate}.");
        LossOptions.Validate();
        return this;
    }
}
