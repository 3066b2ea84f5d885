namespace Lepton.Compression.Pruning;

/// <summary>
/// Options of <see cref="StructuredPruner"/>: the share of each prunable group's channels to remove (0.5 halves them), whether
/// hidden Linear units are pruned as well as convolution channels, and the fewest channels a group keeps.
/// </summary>
public sealed record StructuredPruningOptions(double Sparsity = 0.5, bool LinearUnits = false, int MinChannels = 1)
{
    public StructuredPruningOptions Validate()
    {
        if (!(Sparsity >= 0 && Sparsity < 1))
            throw new ArgumentException($"Structured pruning: sparsity is the share of channels removed, in [0, 1); got {Sparsity}. Use 0.5 to halve the channels.");
        if (MinChannels < 1) throw new ArgumentException($"Structured pruning: MinChannels must be >= 1, got {MinChannels}.");
        return this;
    }
}

/// <summary>One group of channels that was pruned: the layers that make it, its width before and after, and how channels were ranked.</summary>
public sealed record PrunedChannelGroup(IReadOnlyList<string> Layers, int Before, int After, string Criterion);

/// <summary>A group of channels left as it was, and why (a model output, a Concat, a grouped convolution ...).</summary>
public sealed record SkippedChannelGroup(IReadOnlyList<string> Layers, int Channels, string Reason);

/// <summary>What <see cref="StructuredPruner"/> did: the groups it narrowed and those it could not.</summary>
public sealed record StructuredPruningReport(IReadOnlyList<PrunedChannelGroup> Pruned, IReadOnlyList<SkippedChannelGroup> Skipped);

/// <summary>
/// A structurally pruned model: an ordinary smaller model (built from <see cref="Spec"/>, the narrower widths, with the kept
/// weights) and the report.
/// </summary>
public sealed record StructuredPruningResult(Lepton.NN.Module Model, Lepton.NN.Serialization.ModelSpec Spec, StructuredPruningReport Report);
