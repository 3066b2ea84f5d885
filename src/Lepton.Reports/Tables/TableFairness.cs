using Lepton.Data.Tables;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.Store;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Evaluation.Tables;
using Lepton.Runtime.Tables;

namespace Lepton.Reports.Tables;

/// <summary>A table model's answers on labelled rows compared across the groups of the columns <see cref="GroupOptions"/> names.</summary>
public static class TableFairness
{
    /// <summary>
    /// A yes/no classifier's decisions (<paramref name="predicted"/> and <paramref name="labels"/> as class indices into
    /// <paramref name="classes"/>, one per row of <paramref name="rows"/>) by each group column; a model of several classes is refused.
    /// </summary>
    public static IReadOnlyList<DecisionFairness> Decisions(GroupOptions options, Table rows, IReadOnlyList<string> classes, ReadOnlySpan<int> predicted,
        ReadOnlySpan<int> labels, double level = 0.95, ReadOnlySpan<double> probabilities = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Columns.Count == 0) return [];
        if (classes.Count != 2)
            throw new ArgumentException($"--groups compares a yes/no decision (or a regressor's errors) across groups; this model has {classes.Count} classes: " +
                                        "the report's slices give each group's accuracy and macro-F1.");
        string favorable = options.Favorable ?? classes[1];
        int f = classes.ToList().IndexOf(favorable);
        if (f < 0) throw new ArgumentException($"--favorable names '{favorable}', which is not one of the model's classes ('{classes[0]}', '{classes[1]}').");
        var selected = new bool[predicted.Length];
        var positive = new bool[labels.Length];
        // probabilities: (N, 2) row-major class probabilities; the favorable class's column is each row's score.
        var scores = probabilities.Length == predicted.Length * 2 ? new double[predicted.Length] : [];
        for (int i = 0; i < selected.Length; i++)
        {
            selected[i] = predicted[i] == f;
            positive[i] = labels[i] == f;
            if (scores.Length > 0) scores[i] = probabilities[i * 2 + f];
        }
        var result = new List<DecisionFairness>(options.Columns.Count);
        foreach (var column in options.Columns)
        {
            var (keys, order) = TableGroups.Keys(rows, column);
            result.Add(GroupFairness.Decisions(column, favorable, keys, selected, positive, options.MinRows, level, order, scores));
        }
        return result;
    }

    /// <summary>Refuses, before a regressor is scored, a favorable class (a regressor has none) and a column <paramref name="rows"/> cannot group by.</summary>
    public static void CheckErrors(GroupOptions options, Table rows)
    {
        CheckFavorable(options);
        foreach (var column in options.Columns) _ = TableGroups.Keys(rows, column);
    }

    // A regressor has no favorable class; the columns are checked where their keys are made.
    private static void CheckFavorable(GroupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Favorable is not null && options.Columns.Count > 0)
            throw new ArgumentException("--favorable names a yes/no model's class; a regressor's groups are compared by their errors, so leave it out.");
    }

    /// <summary>
    /// <paramref name="report"/>'s decisions on its headline rows (the test split) by each group column of <paramref name="data"/>, a
    /// table version's report data (<see cref="ReportTableData.FromVersion"/>), as <c>lepton eval --groups</c> shows them.
    /// </summary>
    public static IReadOnlyList<DecisionFairness> Decisions(GroupOptions options, EvaluationReport report, ReportData data)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(data);
        var rows = data.Examples as TableExamples ?? throw new ArgumentException($"--groups compares groups of a table's rows; {data.Name} is not a table data set version.");
        return Decisions(options, rows.Table.Take(data.HeadlineIndices), report.ClassNames, report.Headline.Predicted, report.Headline.Labels, report.Options.Level,
            report.Headline.Probabilities);
    }

    /// <summary>
    /// A yes/no model's decisions on <paramref name="version"/>'s test split (validation, else every row, when it has none), by each
    /// group column: what a recipe's gate and the loop judge a model by. The evaluation behind it draws no bootstrap.
    /// </summary>
    public static async Task<IReadOnlyList<DecisionFairness>> DecisionsAsync(ReportModel model, TableDatasetVersion version, GroupOptions options,
        IRegistryStore? store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Columns.Count == 0) return [];
        var data = ReportTableData.FromVersion(version);
        var report = await ReportWorkflow.EvaluateAsync(model, data, store, new ReportOptions(BootstrapResamples: 0), ct: ct);
        return Decisions(options, report, data);
    }

    /// <summary>
    /// How often a model's conformal intervals or sets held the truth within each group of each group column, one answer per row of
    /// <paramref name="rows"/> (equalized coverage: the level is promised over all rows, and a group can fall short).
    /// </summary>
    public static IReadOnlyList<(string Column, IReadOnlyList<Lepton.Runtime.Conformal.GroupCoverage> Groups)> Coverage(GroupOptions options, Table rows,
        Lepton.Runtime.Conformal.ConformalCoverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        var result = new List<(string, IReadOnlyList<Lepton.Runtime.Conformal.GroupCoverage>)>(options.Columns.Count);
        foreach (var column in options.Columns)
        {
            var (keys, order) = TableGroups.Keys(rows, column);
            result.Add((column, coverage.ByGroup(keys, order)));
        }
        return result;
    }

    /// <summary>A regressor's errors by each group column, one prediction and label per row of <paramref name="rows"/>.</summary>
    public static IReadOnlyList<ErrorFairness> Errors(GroupOptions options, Table rows, ReadOnlySpan<double> predicted, ReadOnlySpan<double> labels, double level = 0.95)
    {
        CheckFavorable(options);
        var result = new List<ErrorFairness>(options.Columns.Count);
        foreach (var column in options.Columns)
        {
            var (keys, order) = TableGroups.Keys(rows, column);
            result.Add(GroupFairness.Errors(column, keys, predicted, labels, options.MinRows, level, order));
        }
        return result;
    }
}
