namespace Lepton.Monitoring;

/// <summary>
/// Live scores of a multi-label model from label-set texts (<c>["red","large"]</c>): subset accuracy (exact set match),
/// micro F1 over every (example, label) decision, and precision/recall per label.
/// </summary>
internal static class MultiLabelAccuracyCalculator
{
    /// <summary>
    /// Null when no row parses. Rows whose predicted or true text is not a JSON list of names are skipped and counted in
    /// <paramref name="skipped"/>. Labels are listed in <paramref name="labelOrder"/> order (the model's), then any other name
    /// seen, alphabetically; micro F1 is 0 when nothing was predicted and nothing is true (no positive decision to score).
    /// </summary>
    public static LiveAccuracy? Compute(IReadOnlyList<LoggedLabel> labels, IReadOnlyList<string> labelOrder, out int skipped)
    {
        var rows = new List<(IReadOnlySet<string> Predicted, IReadOnlySet<string> Truth)>(labels.Count);
        foreach (var label in labels)
        {
            if (LabelTexts.Set(label.Predicted) is { } predicted && LabelTexts.Set(label.Truth) is { } truth) rows.Add((predicted, truth));
        }
        skipped = labels.Count - rows.Count;
        if (rows.Count == 0) return null;

        var names = new List<string>(labelOrder);
        var known = new HashSet<string>(names, StringComparer.Ordinal);
        names.AddRange(rows.SelectMany(r => r.Predicted.Concat(r.Truth)).Where(known.Add).Order(StringComparer.Ordinal));
        int exact = rows.Count(r => r.Predicted.SetEquals(r.Truth));
        var perLabel = new List<ClassAccuracy>(names.Count);
        long truePositives = 0, predictedCount = 0, trueCount = 0;
        foreach (string name in names)
        {
            int tp = rows.Count(r => r.Predicted.Contains(name) && r.Truth.Contains(name));
            int predicted = rows.Count(r => r.Predicted.Contains(name));
            int support = rows.Count(r => r.Truth.Contains(name));
            perLabel.Add(new ClassAccuracy(name, predicted == 0 ? 0 : (double)tp / predicted, support == 0 ? 0 : (double)tp / support, support));
            truePositives += tp;
            predictedCount += predicted;
            trueCount += support;
        }
        // Micro F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + true), pooled over every label.
        double microF1 = predictedCount + trueCount == 0 ? 0 : 2.0 * truePositives / (predictedCount + trueCount);
        return new LiveAccuracy(rows.Count, (double)exact / rows.Count, perLabel, microF1);
    }
}
