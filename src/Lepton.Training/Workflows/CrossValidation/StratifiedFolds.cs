using Lepton.Engine;

namespace Lepton.Training.Workflows.CrossValidation;

/// <summary>
/// K folds of a training split, stratified by class: each class's examples are shuffled with the seed and dealt round the
/// folds, continuing where the previous class stopped, so every fold holds each class to within one example and the fold
/// sizes differ by at most one. Without labels (regression), the shuffled examples are dealt the same way.
/// </summary>
public static class StratifiedFolds
{
    /// <summary>The fold (0..K-1) of each example.</summary>
    public static int[] Assign(ReadOnlySpan<int> labels, int folds, ulong seed)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), $"Cross-validation needs at least 2 folds, got {folds}.");
        if (labels.Length < folds)
            throw new ArgumentException($"{labels.Length} training examples cannot fill {folds} folds; use at most {labels.Length} folds or more data.");
        var byClass = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!byClass.TryGetValue(labels[i], out var list)) byClass[labels[i]] = list = [];
            list.Add(i);
        }
        var rng = new Generator(seed);
        var fold = new int[labels.Length];
        int next = 0;
        foreach (var members in byClass.Values)
        {
            // Fisher-Yates with the seeded generator: the same seed gives the same folds.
            for (int i = members.Count - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (members[i], members[j]) = (members[j], members[i]);
            }
            foreach (int index in members)
            {
                fold[index] = next;
                next = (next + 1) % folds;
            }
        }
        return fold;
    }
}
