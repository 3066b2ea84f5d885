namespace Lepton.Compression.Pruning;

/// <summary>
/// Everything that decides a pruning run: the share of weights (magnitude) or channels (structured) removed, whether to prune
/// channels, the fine-tuning that recovers accuracy (epochs, batch, optimizer by <c>lepton train</c>'s names, seed), hidden
/// Linear units along with channels, and how inference is timed (batch size, median of <see cref="TimingRepeats"/> runs).
/// </summary>
public sealed record PruneRecipe(
    double Sparsity = 0.5,
    bool Structured = false,
    int FineTuneEpochs = 2,
    int BatchSize = 64,
    double LearningRate = 5e-4,
    string Optimizer = "adam",
    ulong Seed = 0,
    bool LinearUnits = false,
    int TimingBatch = 256,
    int TimingRepeats = 5)
{
    public PruneRecipe Validate()
    {
        if (!(Sparsity > 0 && Sparsity < 1))
            throw new ArgumentException($"--sparsity is the share of {(Structured ? "channels" : "weights")} removed, in (0, 1); got {Sparsity}. Use 0.5 to remove half.");
        if (FineTuneEpochs < 0) throw new ArgumentException($"--fine-tune-epochs must be >= 0, got {FineTuneEpochs}.");
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be >= 1, got {BatchSize}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"--lr must be > 0, got {LearningRate}.");
        if (TimingBatch < 1 || TimingRepeats < 1) throw new ArgumentException($"Timing needs a batch and repeats >= 1, got {TimingBatch} and {TimingRepeats}.");
        return this;
    }
}
