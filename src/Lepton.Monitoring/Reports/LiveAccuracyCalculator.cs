namespace Lepton.Monitoring;

/// <summary>Accuracy and per-class precision/recall of logged predictions against client labels (multiclass and binary).</summary>
internal static class LiveAccuracyCalculator
{
    /// <summary>
    /// Null without labels. Classes are listed in <paramref name="classOrder"/> order (the model's classes), then any other
    /// label seen, alphabetically; precision is 0 for a class never predicted, recall 0 for one never labelled. With
    /// <paramref name="positive"/> (a binary model), the result also carries that class's scores and its F1.
    /// </summary>
    public static LiveAccuracy? Compute(IReadOnlyList<LoggedLabel> labels, IReadOnlyList<string>? classOrder, string? positive = null)
    {
        if (labels.Count == 0) return null;
        var names = new List<string>(classOrder ?? []);
        var known = new HashSet<string>(names, StringComparer.Ordinal);
        names.AddRange(labels.SelectMany(l => new[] { l.Truth, l.Predicted }).Where(known.Add).Order(StringComparer.Ordinal));
        int correct = labels.Count(l => l.Predicted == l.Truth);
        var classes = new List<ClassAccuracy>();
        foreach (string name in names)
        {
            int truePositives = labels.Count(l => l.Truth == name && l.Predicted == name);
            int predicted = labels.Count(l => l.Predicted == name);
            int support = labels.Count(l => l.Truth == name);
            if (predicted == 0 && support == 0 && !(classOrder?.Contains(name) ?? false)) continue;
            classes.Add(new ClassAccuracy(name, predicted == 0 ? 0 : (double)truePositives / predicted, support == 0 ? 0 : (double)truePositives / support, support));
        }
        var accuracy = new LiveAccuracy(labels.Count, (double)correct / labels.Count, classes);
        if (positive is null) return accuracy;
        var scores = classes.FirstOrDefault(c => c.Name == positive) ?? new ClassAccuracy(positive, 0, 0, 0);
        return accuracy with { Positive = scores, F1 = scores.F1 };
    }
}
