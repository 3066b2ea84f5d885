namespace Lepton.Reports.Statistics;

/// <summary>A wrong prediction: the example's index, its true and predicted class, and the predicted class's probability.</summary>
public sealed record Mistake(int Index, int Actual, int Predicted, double Confidence);

/// <summary>A true class often taken for another: how often, and the most confident of those mistakes.</summary>
public sealed record ConfusedPair(int Actual, int Predicted, int Count, IReadOnlyList<Mistake> Examples);

/// <summary>Where a classifier goes wrong: its most confident mistakes and its most confused class pairs.</summary>
public static class ErrorAnalysis
{
    /// <summary>All mistakes among <paramref name="indices"/>, most confident first (ties by index).</summary>
    public static List<Mistake> Mistakes(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual,
        IReadOnlyList<int> indices)
    {
        var mistakes = new List<Mistake>();
        foreach (int i in indices)
            if (predicted[i] != actual[i]) mistakes.Add(new Mistake(i, actual[i], predicted[i], probabilities[i * classes + predicted[i]]));
        mistakes.Sort((a, b) => b.Confidence != a.Confidence ? b.Confidence.CompareTo(a.Confidence) : a.Index.CompareTo(b.Index));
        return mistakes;
    }

    /// <summary>The <paramref name="take"/> most frequent (true, predicted) pairs of <paramref name="mistakes"/>, each with up to <paramref name="examples"/> examples.</summary>
    public static IReadOnlyList<ConfusedPair> MostConfused(IReadOnlyList<Mistake> mistakes, int take, int examples)
    {
        // Mistakes come most confident first, so each group keeps that order.
        return [.. mistakes.GroupBy(m => (m.Actual, m.Predicted))
            .Select(g => new ConfusedPair(g.Key.Actual, g.Key.Predicted, g.Count(), [.. g.Take(examples)]))
            .OrderByDescending(p => p.Count).ThenBy(p => p.Actual).ThenBy(p => p.Predicted)
            .Take(take)];
    }
}
