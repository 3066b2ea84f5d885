using Lepton.Data;
using Lepton.Engine;

namespace Lepton.Factory.Loop;

/// <summary>One labelled feedback example: the raw input a client sent, the true label it gave later, and where it came from.</summary>
public sealed record FeedbackExample(string PredictionId, float[] Input, int Label, string LabelName, DateTimeOffset ReceivedAt,
    DateTimeOffset PredictedAt, int? ServedVersion);

/// <summary>What happened to the labelled feedback on its way into a data set, so a small count can be explained.</summary>
public sealed record FeedbackCounts(int Labelled, int WithoutRawInput, int UnknownLabel, int WrongShape, int Duplicates, int ConflictingLabels)
{
    /// <summary>Examples left after filtering and deduplication.</summary>
    public int Usable => Labelled - WithoutRawInput - UnknownLabel - WrongShape - Duplicates;
}

/// <summary>Deduplicated labelled feedback split into a training part and a holdout part (by a stable hash of the prediction id).</summary>
public sealed record FeedbackData(IReadOnlyList<FeedbackExample> Train, IReadOnlyList<FeedbackExample> Holdout, int[] ExampleShape,
    IReadOnlyList<string> ClassNames, FeedbackCounts Counts)
{
    public int Count => Train.Count + Holdout.Count;

    /// <summary>The examples as a data set of RAW inputs (N, ...example shape) with Int32 labels.</summary>
    public InMemoryDataset ToRawDataset(IReadOnlyList<FeedbackExample> examples)
    {
        int row = ExampleShape.Aggregate(1, (a, b) => a * b);
        var inputs = new float[examples.Count * row];
        var labels = new int[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            examples[i].Input.CopyTo(inputs, i * row);
            labels[i] = examples[i].Label;
        }
        return new InMemoryDataset(Tensor.FromArray(inputs, [examples.Count, .. ExampleShape]), Tensor.FromArray(labels, examples.Count), ClassNames);
    }

    /// <summary>Class counts over train and holdout, for the data set's statistics.</summary>
    public IReadOnlyDictionary<string, int> ClassCounts() =>
        ClassNames.ToDictionary(c => c, c => Train.Concat(Holdout).Count(e => e.LabelName == c));
}
