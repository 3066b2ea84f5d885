using System.Globalization;
using Lepton.Training.Metrics;

namespace Lepton.Reports.Statistics;

/// <summary>A classifier's metrics on one slice of the examples (e.g. the test split, the darkest quarter of the images).</summary>
public sealed record SliceMetrics(string Group, string Name, int Count, double Accuracy, double MacroF1);

/// <summary>Metrics per slice, each slice scored by Training's <see cref="ClassificationReport"/>.</summary>
public static class Slices
{
    /// <summary>One slice per distinct key (in first-seen order) of <paramref name="keys"/>, one key per example.</summary>
    public static IReadOnlyList<SliceMetrics> By(string group, IReadOnlyList<string> keys, ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classes)
    {
        if (keys.Count != actual.Length || predicted.Length != actual.Length)
            throw new ArgumentException($"Slices: {keys.Count} keys and {predicted.Length} predictions for {actual.Length} labels.");
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < keys.Count; i++)
        {
            if (!members.TryGetValue(keys[i], out var list))
            {
                members[keys[i]] = list = [];
                order.Add(keys[i]);
            }
            list.Add(i);
        }
        var result = new List<SliceMetrics>(order.Count);
        foreach (var key in order) result.Add(Score(group, key, members[key], predicted, actual, classes));
        return result;
    }

    /// <summary><see cref="Runtime.Tables.GroupKeys.Bounded"/>: a column of many groups as a readable table.</summary>
    public static IReadOnlyList<string> Bounded(IReadOnlyList<string> keys, int max) => Runtime.Tables.GroupKeys.Bounded(keys, max);

    /// <summary>
    /// Four slices by the quartiles of <paramref name="values"/> (e.g. mean pixel value), named with their ranges; examples
    /// equal to a boundary go to the lower slice.
    /// </summary>
    public static IReadOnlyList<SliceMetrics> Quartiles(string group, ReadOnlySpan<double> values, ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual,
        int classes, string format = "0.#")
    {
        if (values.Length != actual.Length) throw new ArgumentException($"Slices: {values.Length} values for {actual.Length} labels.");
        if (values.Length == 0) return [];
        var keys = Runtime.Tables.GroupKeys.Quartiles(values, format);
        return [.. By(group, keys, predicted, actual, classes).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    private static SliceMetrics Score(string group, string name, List<int> indices, ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classes)
    {
        var p = new int[indices.Count];
        var a = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            p[i] = predicted[indices[i]];
            a[i] = actual[indices[i]];
        }
        var report = ClassificationReport.FromPredictions(p, a, classCount: classes);
        return new SliceMetrics(group, name, indices.Count, report.Accuracy, report.MacroAverage.F1);
    }
}
