using Lepton.NN.Serialization;
using Lepton.Runtime.Conformal;

namespace Lepton.Monitoring;

/// <summary>
/// <see cref="LiveCoverage"/> of labelled answers of a version with conformal intervals: a regressor's logged interval (or, in logs
/// that kept none, its interval rebuilt from its logged value and the version's <c>intervals.json</c>), or a classifier's logged probabilities and answer (its set rebuilt). Rows whose
/// texts do not parse, or whose truth is no class of the model, are left out.
/// </summary>
internal static class LiveCoverageCalculator
{
    public static LiveCoverage? Compute(IReadOnlyList<LoggedLabel> labels, MonitoredTask task)
    {
        if (task.Intervals is not { } intervals) return null;
        int rows = 0, covered = 0;
        double said = 0;
        var classLabels = new int[task.ClassNames.Count];
        var classCovered = new int[task.ClassNames.Count];
        foreach (var l in labels)
        {
            if (intervals.IsSet)
            {
                if (SetOf(intervals, task, l) is not { } set) continue;
                int truth = IndexOf(task.ClassNames, l.Truth);
                if (truth < 0) continue;
                rows++;
                said += set.Count;
                classLabels[truth]++;
                if (!set.Contains(truth)) continue;
                covered++;
                classCovered[truth]++;
                continue;
            }
            if (LabelTexts.Values(l.Predicted) is not [var predicted] || LabelTexts.Values(l.Truth) is not [var target]) continue;
            // The interval as answered when the log kept it; else rebuilt from the value, which intervals from a band cannot be.
            if ((l.Interval ?? (intervals.NeedsBand ? null : intervals.Interval(predicted))) is not var (lower, upper)) continue;
            rows++;
            said += upper - lower;
            if (target >= lower && target <= upper) covered++;
        }
        if (rows == 0) return null;
        return new LiveCoverage(rows, covered, intervals.Level)
        {
            IsSet = intervals.IsSet,
            MeanSetSize = intervals.IsSet ? said / rows : null,
            MeanWidth = intervals.IsSet || intervals.IsOneSided ? null : said / rows,
            ByClass = [.. task.ClassNames.Select((name, k) => new LiveClassCoverage(name, classLabels[k], classCovered[k])).Where(c => c.Labels > 0)],
        };
    }

    /// <summary>
    /// The versions' coverage pooled (labels and covered summed, widths and sizes weighted by labels); null when none has any, or
    /// when they promise different levels or answer in different forms, which one figure cannot hold.
    /// </summary>
    public static LiveCoverage? Pool(IEnumerable<LiveCoverage?> versions)
    {
        var all = versions.OfType<LiveCoverage>().ToList();
        if (all.Count == 0 || all.Select(c => (c.Level, c.IsSet, c.MeanWidth is null)).Distinct().Count() > 1) return null;
        int labels = all.Sum(c => c.Labels);
        double? Weighted(Func<LiveCoverage, double?> value) => all[0] is var first && value(first) is null ? null : all.Sum(c => value(c)!.Value * c.Labels) / labels;
        return new LiveCoverage(labels, all.Sum(c => c.Covered), all[0].Level)
        {
            IsSet = all[0].IsSet,
            MeanWidth = Weighted(c => c.MeanWidth),
            MeanSetSize = Weighted(c => c.MeanSetSize),
            ByClass = [.. all.SelectMany(c => c.ByClass).GroupBy(c => c.Class, StringComparer.Ordinal)
                .Select(g => new LiveClassCoverage(g.Key, g.Sum(c => c.Labels), g.Sum(c => c.Covered)))],
        };
    }

    // The set the version answered: from the logged probabilities (a yes/no model's one, a multiclass model's K) and the class it answered.
    private static IReadOnlyList<int>? SetOf(ConformalIntervals intervals, MonitoredTask task, LoggedLabel l)
    {
        if (l.Probabilities is not { } p) return null;
        if (task.Kind == TaskKind.Binary && p.Count == 1)
            return intervals.BinarySet(p[0], l.Predicted == task.PositiveClass ? 1 : 0);
        if (task.Kind != TaskKind.Multiclass || task.ClassNames.Count != p.Count) return null;
        int answered = IndexOf(task.ClassNames, l.Predicted);
        if (answered < 0) return null;
        return intervals.Set([.. p], answered);
    }

    private static int IndexOf(IReadOnlyList<string> names, string value)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == value) return i;
        return -1;
    }
}
