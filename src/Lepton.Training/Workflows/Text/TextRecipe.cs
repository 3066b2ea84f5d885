using Lepton.NN.Presets;

namespace Lepton.Training.Workflows.Text;

/// <summary>
/// Everything that decides a text training run: the text data set version (<c>NAME@V</c>), the preset (<c>text-bow</c>,
/// <c>text-lstm</c>, <c>text-transformer</c>, or <c>auto</c>: by training-set size), the byte-level BPE vocabulary size,
/// the longest sequence kept, and the optimization (AdamW with a linear warm-up over <see cref="WarmupFraction"/> of the
/// steps, then cosine decay, and the gradient norm clipped to <see cref="ClipGradNorm"/>).
/// </summary>
public sealed record TextRecipe(
    string Data,
    string Model = "auto",
    int Epochs = 5,
    int BatchSize = 32,
    double? LearningRate = null,
    double WeightDecay = 0.01,
    int VocabSize = 8000,
    int MaxLength = 256,
    double? ClipGradNorm = 1.0,
    double WarmupFraction = 0.1,
    ulong Seed = 0)
{
    /// <summary>The models <see cref="Model"/> may name.</summary>
    public static IReadOnlyList<string> Models { get; } = ["auto", .. TextPresets.Names];

    /// <summary>
    /// The peak learning rate a preset trains well with: <c>text-bow</c> is a shallow average of embeddings and needs a
    /// large step (fastText trains it at 0.1 with SGD); the deep presets take Adam's usual 2e-3.
    /// </summary>
    public static double DefaultLearningRate(string preset) => preset.Equals("text-bow", StringComparison.OrdinalIgnoreCase) ? 2e-2 : 2e-3;

    /// <summary>Checks every field and names the choices when one is wrong.</summary>
    public void Validate()
    {
        if (!Models.Contains(Model, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"--model {Model} is not a model for text; use one of {string.Join(", ", Models)}.");
        if (Epochs < 1) throw new ArgumentException($"--epochs must be >= 1, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be >= 1, got {BatchSize}.");
        if (LearningRate is { } lr && !(lr > 0)) throw new ArgumentException($"--lr must be > 0, got {LearningRate}.");
        if (VocabSize is < 258 or > 1_000_000) throw new ArgumentException($"--vocab-size must be in 258..1,000,000 (byte-level BPE holds 256 bytes and 2 special tokens), got {VocabSize}.");
        if (MaxLength is < 1 or > 8192) throw new ArgumentException($"--max-length must be in 1..8192 tokens, got {MaxLength}.");
        if (ClipGradNorm is { } c && !(c > 0)) throw new ArgumentException($"--clip-grad-norm must be > 0, got {c}.");
        if (WarmupFraction is < 0 or >= 1) throw new ArgumentException($"The warm-up fraction must be in [0, 1), got {WarmupFraction}.");
    }
}
