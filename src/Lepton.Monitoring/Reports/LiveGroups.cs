using Lepton.Runtime.Tables;

namespace Lepton.Monitoring;

/// <summary>
/// One group's served answers in the window: how many requests, how many were given the favorable class, and that rate's Wilson
/// interval; of the answers labelled by feedback, how many, and among the truly favorable the share given it (null without any).
/// </summary>
public sealed record LiveGroup(string Group, int Requests, int Selected, double SelectionRate, double SelectionLow, double SelectionHigh, bool Judged)
{
    public int Labels { get; init; }

    public double? TruePositiveRate { get; init; }
}

/// <summary>
/// A yes/no table model's served answers across the groups of one logged column (<c>lepton monitor --groups</c>): each group's
/// selection rate, the lowest over the highest among the groups with enough requests (null when fewer than two have them), and
/// the chi-square test of independence between group and selection; and, from the answers feedback has labelled, each group's
/// true-positive rate and their largest difference over the groups with enough labels (equal opportunity, live).
/// </summary>
public sealed record LiveGroups(string Column, string Favorable, int MinRequests, IReadOnlyList<LiveGroup> Groups, double? SelectionRatio, double? SelectionPValue)
{
    /// <summary>The highest live true-positive rate minus the lowest over the groups with at least <see cref="MinRequests"/> labels; null without two.</summary>
    public double? OpportunityDifference { get; init; }

    /// <summary>True when the ratio is known and under four fifths.</summary>
    public bool FailsFourFifths => SelectionRatio < DecisionFairness.FourFifths;
}

/// <summary>Computes <see cref="LiveGroups"/> from logged table rows and the answers given to them.</summary>
internal static class LiveGroupsCalculator
{
    public static IReadOnlyList<LiveGroups> Compute(IReadOnlyList<LoggedRequest> requests, IReadOnlyList<LoggedLabel> labels, GroupOptions options, MonitoredTask task)
    {
        // A version whose model is not yes/no (or unknown) has no decision to compare; the newest one is checked by the monitor.
        if (options.Columns.Count == 0 || task.ClassNames.Count != 2) return [];
        string favorable = Favorable(options, task);
        var answered = requests.Where(r => r.Row is not null && r.Label is not null && !r.IsError).ToList();
        var labelled = labels.Where(l => l.Row is not null).ToList();
        if (answered.Count == 0) return [.. options.Columns.Select(c => new LiveGroups(c, favorable, options.MinRows, [], null, null))];
        // The requests' and the labelled answers' rows are grouped together, so a number's quartiles name the same groups in both.
        var rows = answered.Select(r => r.Row!).Concat(labelled.Select(l => l.Row!)).ToList();
        var selected = answered.Select(r => r.Label == favorable).ToArray();
        var result = new List<LiveGroups>(options.Columns.Count);
        foreach (var column in options.Columns)
        {
            var (keys, order) = GroupKeys.Intersect([.. GroupKeys.Parts(column).Select(part => KeysOf(rows, part))]);
            // No truth for the requests: each counts as not favorable, so only the selection figures of this comparison are read.
            var served = GroupFairness.Decisions(column, favorable, keys.Take(answered.Count).ToList(), selected, new bool[answered.Count], options.MinRows, 0.95, order);
            // The labelled answers: the truth from feedback, so their true-positive rates are read.
            var truth = labelled.Count == 0 ? null : GroupFairness.Decisions(column, favorable, keys.Skip(answered.Count).ToList(),
                [.. labelled.Select(l => l.Predicted == favorable)], [.. labelled.Select(l => l.Truth == favorable)], options.MinRows, 0.95, order);
            var byGroup = truth?.Groups.ToDictionary(g => g.Name, StringComparer.Ordinal) ?? [];
            result.Add(new LiveGroups(column, favorable, options.MinRows,
                [.. served.Groups.Select(g => new LiveGroup(g.Name, g.Rows, g.Selected, g.SelectionRate, g.SelectionLow, g.SelectionHigh, g.Rows >= options.MinRows)
                {
                    Labels = byGroup.TryGetValue(g.Name, out var t) ? t.Rows : 0,
                    TruePositiveRate = t is not null ? Finite(t.TruePositiveRate) : null,
                })],
                Finite(served.SelectionRatio), Finite(served.SelectionPValue))
            {
                OpportunityDifference = truth is null ? null : Finite(truth.OpportunityDifference),
            });
        }
        return result;
    }

    // One logged column's groups: numbers by value or quartile, anything else by its text.
    private static (IReadOnlyList<string> Keys, IReadOnlyList<string> Order) KeysOf(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, string column)
    {
        var values = rows.Select(r => r.TryGetValue(column, out var v) ? v : null).ToList();
        return values.All(v => v is null or double)
            ? GroupKeys.OfNumbers([.. values.Select(v => v is double d ? d : double.NaN)], Number)
            : GroupKeys.OfWords([.. values.Select(Word)]);
    }

    /// <summary>The class the groups are compared on: the one named, else a yes/no model's second; any other model is refused.</summary>
    public static string Favorable(GroupOptions options, MonitoredTask task)
    {
        if (task.ClassNames.Count != 2)
            throw new ArgumentException($"--groups compares a yes/no table model's answers across groups; this model {(task.ClassNames.Count < 2 ? "predicts a number" : $"has {task.ClassNames.Count} classes")}.");
        string favorable = options.Favorable ?? task.ClassNames[1];
        if (!task.ClassNames.Contains(favorable))
            throw new ArgumentException($"--favorable names '{favorable}', which is not one of the model's classes ('{task.ClassNames[0]}', '{task.ClassNames[1]}').");
        return favorable;
    }

    private static string Number(double v) => Lepton.Data.NumberText.Value(v);

    private static string? Word(object? v) => v switch
    {
        null => null,
        bool b => b ? "true" : "false",
        double d => Number(d),
        _ => v.ToString(),
    };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
