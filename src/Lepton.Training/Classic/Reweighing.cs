namespace Lepton.Training.Classic;

/// <summary>
/// Reweighing (Kamiran and Calders, 2012): each training row weighs P(group)·P(class) / P(group, class), so that in the weighted rows
/// the class no longer depends on the group. A learner then sees no more association between the group (or the columns that carry
/// it) and the label than chance would give; the weights average 1, so penalties keep their strength.
/// </summary>
public static class Reweighing
{
    /// <summary>Each row's weight from its group key and class (<paramref name="labels"/>: class indices); a combination with no rows never occurs.</summary>
    public static float[] Weights(IReadOnlyList<string> groups, ReadOnlySpan<float> labels)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count != labels.Length) throw new ArgumentException($"Reweighing: {groups.Count} group keys for {labels.Length} labels.");
        int n = labels.Length;
        var byGroup = new Dictionary<string, int>(StringComparer.Ordinal);
        var byClass = new Dictionary<float, int>();
        var byBoth = new Dictionary<(string, float), int>();
        for (int i = 0; i < n; i++)
        {
            byGroup[groups[i]] = byGroup.GetValueOrDefault(groups[i]) + 1;
            byClass[labels[i]] = byClass.GetValueOrDefault(labels[i]) + 1;
            byBoth[(groups[i], labels[i])] = byBoth.GetValueOrDefault((groups[i], labels[i])) + 1;
        }
        var weights = new float[n];
        for (int i = 0; i < n; i++)
            weights[i] = (float)((double)byGroup[groups[i]] * byClass[labels[i]] / ((double)n * byBoth[(groups[i], labels[i])]));
        return weights;
    }

    /// <summary>The product of two optional per-row weights (null: every row 1).</summary>
    public static float[]? Combine(float[]? a, float[]? b)
    {
        if (a is null || a.Length == 0) return b;
        if (b is null || b.Length == 0) return a;
        if (a.Length != b.Length) throw new ArgumentException($"Reweighing: {a.Length} and {b.Length} row weights.");
        var result = new float[a.Length];
        for (int i = 0; i < a.Length; i++) result[i] = a[i] * b[i];
        return result;
    }
}
