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

    /// <summary>
    /// <paramref name="keys"/> with all but the <paramref name="max"/> − 1 most frequent keys replaced by "(other)", so a column of
    /// many groups gives a readable table; unchanged when it has at most <paramref name="max"/> keys.
    /// </summary>
    public static IReadOnlyList<string> Bounded(IReadOnlyList<string> keys, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        var counts = keys.GroupBy(k => k, StringComparer.Ordinal).Select(g => (g.Key, Count: g.Count())).ToList();
        if (counts.Count <= max) return keys;
        var kept = counts.OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).Take(max - 1).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        return [.. keys.Select(k => kept.Contains(k) ? k : "(other)")];
    }

    /// <summary>
    /// Four slices by the quartiles of <paramref name="values"/> (e.g. mean pixel value), named with their ranges; examples
    /// equal to a boundary go to the lower slice.
    /// </summary>
    public static IReadOnlyList<SliceMetrics> Quartiles(string group, ReadOnlySpan<double> values, ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual,
        int classes, string format = "0.#")
    {
        if (values.Length != actual.Length) throw new ArgumentException($"Slices: {values.Length} values for {actual.Length} labels.");
        if (values.Length == 0) return [];
        var keys = QuartileKeys(values, format);
        return [.. By(group, keys, predicted, actual, classes).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Each value's quartile of <paramref name="values"/>, named with its range ("Q2 (31–45)"); a value equal to a boundary goes to the
    /// lower quartile, a NaN to "(missing)". The quartiles are those of the values that are not NaN.
    /// </summary>
    public static string[] QuartileKeys(ReadOnlySpan<double> values, string format = "0.#")
    {
        var present = new List<double>(values.Length);
        foreach (double v in values) if (!double.IsNaN(v)) present.Add(v);
        var keys = new string[values.Length];
        if (present.Count == 0)
        {
            Array.Fill(keys, Missing);
            return keys;
        }
        var sorted = present.ToArray();
        Array.Sort(sorted);
        double[] edges = [sorted[0], Interval.Quantile(sorted, 0.25), Interval.Quantile(sorted, 0.5), Interval.Quantile(sorted, 0.75), sorted[^1]];
        var names = new string[4];
        for (int q = 0; q < 4; q++)
            names[q] = string.Create(CultureInfo.InvariantCulture, $"Q{q + 1} ({edges[q].ToString(format, CultureInfo.InvariantCulture)}–{edges[q + 1].ToString(format, CultureInfo.InvariantCulture)})");
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                keys[i] = Missing;
                continue;
            }
            int q = 0;
            while (q < 3 && values[i] > edges[q + 1]) q++;
            keys[i] = names[q];
        }
        return keys;
    }

    /// <summary>The key of an example whose value is missing.</summary>
    public const string Missing = "(missing)";

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
