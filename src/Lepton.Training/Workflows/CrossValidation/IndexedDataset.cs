using Lepton.Data;
using Lepton.Engine;

namespace Lepton.Training.Workflows.CrossValidation;

/// <summary>The examples of another data set at the given indices, in that order, without copying them (a fold's view of the training split).</summary>
public sealed class IndexedDataset(IDataset inner, int[] indices) : IDataset
{
    public int Count => indices.Length;

    public Shape InputShape => inner.InputShape;

    public IReadOnlyList<string> ClassNames => inner.ClassNames;

    public Batch GetBatch(ReadOnlySpan<int> batch) => GetBatch(batch, null);

    public Batch GetBatch(ReadOnlySpan<int> batch, Batch? reuse)
    {
        var mapped = new int[batch.Length];
        for (int i = 0; i < batch.Length; i++) mapped[i] = indices[batch[i]];
        return inner.GetBatch(mapped, reuse);
    }
}
