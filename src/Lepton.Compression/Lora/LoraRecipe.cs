namespace Lepton.Compression.Lora;

/// <summary>
/// A LoRA fine-tuning run: the base model folder (<paramref name="BaseFolder"/>, shown as <paramref name="BaseLabel"/>), the data
/// (fashion-mnist, a tensor data set folder, or an image data set version passed to <see cref="LoraTraining.Run"/>), the adapter
/// options, and the optimizer settings. Only the adapters train; the base weights stay as they are.
/// </summary>
public sealed record LoraRecipe(
    string BaseFolder,
    string Data,
    LoraOptions Lora,
    int Epochs = 5,
    int BatchSize = 64,
    double LearningRate = 1e-3,
    string Optimizer = "adam",
    double WeightDecay = 0,
    double Momentum = 0.9,
    double ValidationSplit = 0,
    ulong Seed = 0,
    string? DataDir = null,
    string? BaseLabel = null)
{
    /// <summary>What lineage records as the base: the registry reference when there is one, else the folder.</summary>
    public string Base => BaseLabel ?? BaseFolder;

    public void Validate()
    {
        Lora.Validate();
        if (Epochs < 1) throw new ArgumentException($"--epochs must be >= 1, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be >= 1, got {BatchSize}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"--lr must be > 0, got {LearningRate}.");
        if (ValidationSplit is < 0 or >= 1) throw new ArgumentException($"--validation-split must be in [0, 1), got {ValidationSplit}.");
    }
}
