using Lepton.Data;
using Lepton.Engine;

namespace Lepton.Factory.Loop;

/// <summary>
/// The challenger's training set: a deterministic subset of the base training data (already preprocessed) followed by the
/// feedback training examples, preprocessed with the champion's preprocessing and repeated to give the new data weight.
/// </summary>
public static class TrainingMix
{
    public static InMemoryDataset Build(InMemoryDataset baseTrain, int baseSampleSize, ulong seed, InMemoryDataset feedbackRaw,
        Preprocessing preprocessing, int feedbackRepeat)
    {
        if (!baseTrain.InputShape.Dims.SequenceEqual(feedbackRaw.InputShape.Dims))
            throw new InvalidDataException($"Feedback inputs have shape {feedbackRaw.InputShape} but the base data has {baseTrain.InputShape}; the feedback does not belong to this model's data.");
        var baseSubset = Sample(baseTrain, baseSampleSize, seed);
        var feedback = feedbackRaw.Count == 0 ? null : preprocessing.Apply(feedbackRaw.Inputs);
        int row = baseTrain.InputShape.Size;
        int n = baseSubset.Count + feedbackRaw.Count * feedbackRepeat;
        var inputs = new float[n * row];
        var labels = new int[n];
        baseSubset.Inputs.Span<float>().CopyTo(inputs);
        baseSubset.Targets.Span<int>().CopyTo(labels);
        int at = baseSubset.Count;
        for (int r = 0; r < feedbackRepeat && feedback is not null; r++)
        {
            feedback.Span<float>().CopyTo(inputs.AsSpan(at * row));
            feedbackRaw.Targets.Span<int>().CopyTo(labels.AsSpan(at));
            at += feedbackRaw.Count;
        }
        return new InMemoryDataset(Tensor.FromArray(inputs, [n, .. baseTrain.InputShape.Dims]), Tensor.FromArray(labels, n), baseTrain.ClassNames);
    }

    /// <summary>Up to <paramref name="size"/> examples chosen by a seeded permutation (all of them, in order, when size covers the set).</summary>
    public static InMemoryDataset Sample(InMemoryDataset data, int size, ulong seed)
    {
        if (size >= data.Count) return data;
        var order = new Generator(seed).Permutation(data.Count);
        return data.Subset(order.AsSpan(0, size));
    }
}
