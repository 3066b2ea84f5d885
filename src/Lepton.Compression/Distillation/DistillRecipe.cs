namespace Lepton.Compression.Distillation;

/// <summary>
/// Everything that decides a distillation run: the student (a preset sized for the teachers' inputs and classes, a model.json
/// or a model folder), the training (epochs, batch, optimizer by <c>lepton train</c>'s names, seed), the loss's temperature and
/// soft-target weight, and how inference is timed (batch size, median of <see cref="TimingRepeats"/> runs).
/// </summary>
public sealed record DistillRecipe(
    string Student = "cnn",
    int Epochs = 5,
    int BatchSize = 64,
    double LearningRate = 1e-3,
    string Optimizer = "adam",
    string Schedule = "none",
    double Temperature = 4.0,
    double Alpha = 0.7,
    ulong Seed = 0,
    int TimingBatch = 256,
    int TimingRepeats = 5)
{
    public DistillRecipe Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Student);
        if (Epochs < 1) throw new ArgumentException($"--epochs must be >= 1, got {Epochs}.");
        if (TimingBatch < 1 || TimingRepeats < 1) throw new ArgumentException($"Timing needs a batch and repeats >= 1, got {TimingBatch} and {TimingRepeats}.");
        Options.Validate();
        return this;
    }

    /// <summary>The trainer's options this recipe describes.</summary>
    public DistillationOptions Options => new(Epochs, BatchSize, LearningRate, Optimizer, WeightDecay: 0, Schedule, Seed,
        new DistillationLossOptions(Temperature, Alpha));
}
