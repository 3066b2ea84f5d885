using Lepton.Runtime.Tables;

namespace Lepton.Monitoring;

/// <summary>One group's served answers in the window: how many requests, how many were given the favorable class, and that rate's Wilson interval.</summary>
public sealed record LiveGroup(string Group, int Requests, int Selected, double SelectionRate, double SelectionLow, double SelectionHigh, bool Judged);

/// <summary>
/// A yes/no table model's served answers across the groups of one logged column (<c>lepton monitor --groups</c>): each group's
/// selection rate, the lowest over the highest among the groups with enough requests (null when fewer than two have them), and
/// the chi-square test of independence between group and selection. Live labels come later than answers, so only what the model
/// gave is compared here; <c>lepton eval --groups</c> judges the rates against the truth.
/// </summary>
public sealed record LiveGroups(string Column, string Favorable, int MinRequests, IReadOnlyList<LiveGroup> Groups, double? SelectionRatio, double? SelectionPValue)
{
    /// <summary>True when the ratio is known and under four fifths.</summary>
    public bool FailsFourFifths => SelectionRatio < DecisionFairness.FourFifths;
}

/// <summary>Computes <see cref="LiveGroups"/> from logged table rows and the answers given to them.</summary>
internal static class LiveGroupsCalculator
{
    public static IReadOnlyList<LiveGroups> Compute(IReadOnlyList<LoggedRequest> requests, GroupOptions options, MonitoredTask task)
    {
        // A version whose model is not yes/no (or unknown) has no decision to compare; the newest one is checked by the monitor.
        if (options.Columns.Count == 0 || task.ClassNames.Count != 2) return [];
        string favorable = Favorable(options, task);
        var answered = requests.Where(r => r.Row is not null && r.Label is not null && !r.IsError).ToList();
        if (answered.Count == 0) return [.. options.Columns.Select(c => new LiveGroups(c, favorable, options.MinRows, [], null, null))];
        var selected = answered.Select(r => r.Label == favorable).ToArray();
        var none = new bool[answered.Count];
        var result = new List<LiveGroups>(options.Columns.Count);
        foreach (var column in options.Columns)
        {
            var (keys, order) = GroupKeys.Intersect([.. GroupKeys.Parts(column).Select(part => KeysOf(answered, part))]);
            // No truth in the log: every row counts as not favorable, so only the selection figures of the comparison are read.
            var d = GroupFairness.Decisions(column, favorable, keys, selected, none, options.MinRows, 0.95, order);
            result.Add(new LiveGroups(column, favorable, options.MinRows,
                [.. d.Groups.Select(g => new LiveGroup(g.Name, g.Rows, g.Selected, g.SelectionRate, g.SelectionLow, g.SelectionHigh, g.Rows >= options.MinRows))],
                Finite(d.SelectionRatio), Finite(d.SelectionPValue)));
        }
        return result;
    }

    // One logged column's groups: numbers by value or quartile, anything else by its text.
    private static (IReadOnlyList<string> Keys, IReadOnlyList<string> Order) KeysOf(IReadOnlyList<LoggedRequest> answered, string column)
    {
        var values = answered.Select(r => r.Row!.TryGetValue(column, out var v) ? v : null).ToList();
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
