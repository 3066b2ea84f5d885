using Lepton.Engine;

namespace Lepton.Data;

/// <summary>A finite, indexable set of examples that can gather any subset into a batch.</summary>
public interface IDataset
{
    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>Shape of one input example, e.g. (1,28,28).</summary>
    Shape InputShape { get; }

    /// <summary>Class names when targets are class ids; empty for regression.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Gathers the examples at <paramref name="indices"/> into one batch (inputs float32, targets Int32 ids or float32).</summary>
    Batch GetBatch(ReadOnlySpan<int> indices);

    /// <summary>
    /// Like <see cref="GetBatch(ReadOnlySpan{int})"/>, but may fill <paramref name="reuse"/>'s tensors and return it when
    /// they have this batch's shapes (a loader recycling its batches); the default makes new ones.
    /// </summary>
    Batch GetBatch(ReadOnlySpan<int> indices, Batch? reuse) => GetBatch(indices);
}
