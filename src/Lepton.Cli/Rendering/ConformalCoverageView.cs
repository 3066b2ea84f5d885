using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Runtime.Conformal;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>What <c>lepton eval</c> says of a model's conformal intervals or prediction sets on the rows it scored.</summary>
internal static class ConformalCoverageView
{
    /// <summary>e.g. "conformal 90% intervals (...): coverage 0.904 on 590 test rows, mean width 6.13".</summary>
    public static string Line(ConformalCoverage c, string split) =>
        $"conformal {c.Intervals.Describe()}: coverage {c.Coverage.ToString("F3", CultureInfo.InvariantCulture)} on {c.Rows:N0} {split} rows" +
        (c.MeanWidth is { } w ? $", mean width {Data.NumberText.Readable(w)}" : "") +
        (c.MeanSetSize is { } s ? string.Create(CultureInfo.InvariantCulture, $", mean set size {s:F2}, one class in {c.Singletons * 100:F0}%") : "");

    public static void Write(ConformalCoverage? c, string split, IReadOnlyList<string>? classNames = null)
    {
        if (c is null) return;
        string color = c.Coverage < c.Intervals.Level - 0.05 ? "red" : "green";
        AnsiConsole.MarkupLine($"[{color}]{Markup.Escape(Line(c, split))}[/]");
        WriteClasses(c, classNames);
    }

    /// <summary>A classifier's coverage by true class, on one line (nothing for a regressor).</summary>
    public static void WriteClasses(ConformalCoverage c, IReadOnlyList<string>? classNames)
    {
        if (c.ByClass.Count > 0) AnsiConsole.MarkupLine(ClassLine(c, classNames));
    }

    // "by true class: no 0.962 (7,820 rows), [red]yes 0.611 (180 rows)[/]": a class more than 5 points short is red.
    private static string ClassLine(ConformalCoverage c, IReadOnlyList<string>? classNames) =>
        "by true class: " + string.Join(", ", c.ByClass.Where(k => k.Rows > 0).Select(k =>
        {
            string text = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{Name(k.Class, classNames)} {k.Coverage:F3} ({k.Rows:N0} rows)"));
            return k.Coverage < c.Intervals.Level - 0.05 ? $"[red]{text}[/]" : text;
        }));

    private static string Name(int k, IReadOnlyList<string>? classNames) =>
        classNames is not null && k < classNames.Count ? classNames[k] : k.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One table per group column of how often the answers held the truth in each group (red: more than 5 points under the level, among
    /// groups of at least <paramref name="minRows"/> rows), then the gap between the best- and worst-covered judged groups.
    /// </summary>
    public static void WriteGroups(IReadOnlyList<(string Column, IReadOnlyList<GroupCoverage> Groups)> columns, ConformalCoverage c, int minRows)
    {
        foreach (var (column, groups) in columns)
        {
            var t = new Table().Border(TableBorder.Rounded)
                .Title(Markup.Escape($"by {column}: how often the {ConformalIntervals.Percent(c.Intervals.Level)} {(c.Intervals.IsSet ? "sets" : "intervals")} held the truth"))
                .AddColumn(Markup.Escape(column));
            foreach (var h in new[] { "rows", "coverage", c.Intervals.IsSet ? "mean set size" : "mean width" }) t.AddColumn(new TableColumn(h).RightAligned());
            foreach (var g in groups)
            {
                bool judged = g.Rows >= minRows, low = judged && g.Coverage < c.Intervals.Level - 0.05;
                string coverage = (low ? "[red]" : "") + g.Coverage.ToString("F3", CultureInfo.InvariantCulture) + (low ? "[/]" : "");
                t.AddRow(Markup.Escape(g.Group) + (judged ? "" : " [grey](not judged)[/]"), g.Rows.ToString("N0", CultureInfo.InvariantCulture), coverage,
                    g.MeanSize is { } s ? Data.NumberText.Readable(s) : "-");
            }
            AnsiConsole.Write(t);
            var judgedGroups = groups.Where(g => g.Rows >= minRows).ToList();
            if (judgedGroups.Count >= 2)
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"coverage gap by {column}: {(judgedGroups.Max(g => g.Coverage) - judgedGroups.Min(g => g.Coverage)) * 100:F1} points between {judgedGroups.MaxBy(g => g.Coverage)!.Group} and {judgedGroups.MinBy(g => g.Coverage)!.Group}")));
        }
    }

    /// <summary>The JSON of the groups' coverage: per column, each group's rows, coverage and mean size.</summary>
    public static JsonArray JsonGroups(IReadOnlyList<(string Column, IReadOnlyList<GroupCoverage> Groups)> columns) =>
        new([.. columns.Select(c => (JsonNode)new JsonObject
        {
            ["column"] = c.Column,
            ["groups"] = new JsonArray([.. c.Groups.Select(g => (JsonNode)new JsonObject { ["group"] = g.Group, ["rows"] = g.Rows, ["coverage"] = g.Coverage, ["mean_size"] = g.MeanSize })]),
        })]);

    /// <summary>How the sets in <paramref name="folder"/>'s <c>intervals.json</c> did on a classifier's scored rows; null without the file.</summary>
    /// <summary>
    /// How the prediction sets of the classifier in <paramref name="folder"/> did on examples it answered with (N, K)
    /// <paramref name="logits"/> and whose true classes are <paramref name="labels"/>; null when the folder has no sets.
    /// </summary>
    public static ConformalCoverage? Of(string folder, Lepton.Engine.Tensor logits, IReadOnlyList<int> labels)
    {
        if (ConformalIntervals.Load(folder) is not { } intervals) return null;
        var values = logits.Contiguous().To(Lepton.Engine.DType.Float32).ToArray<float>();
        int n = labels.Count, k = values.Length / Math.Max(1, n);
        intervals.CheckFits(Lepton.NN.Serialization.TaskKind.Multiclass, k);
        var probabilities = new double[n * k];
        var answered = new int[n];
        for (int i = 0; i < n; i++)
        {
            var p = probabilities.AsSpan(i * k, k);
            Lepton.NN.Tasks.ScoreMath.Softmax(values.AsSpan(i * k, k), p);
            for (int c = 1; c < k; c++) if (p[c] > p[answered[i]]) answered[i] = c;
        }
        return ConformalCoverage.Classifier(intervals, k, probabilities, [.. labels], answered);
    }

    public static ConformalCoverage? Of(string folder, Reports.Evaluation.ModelScores s) =>
        ConformalIntervals.Load(folder) is { } intervals ? ConformalCoverage.Classifier(intervals, s.Classes, s.Probabilities, s.Labels, s.Predicted) : null;

    /// <summary>The JSON of <c>eval --json</c>'s <c>conformal</c>: score, level, coverage and what the answers said.</summary>
    public static JsonObject Json(ConformalCoverage c, IReadOnlyList<string>? classNames = null, IReadOnlyList<(string Column, IReadOnlyList<GroupCoverage> Groups)>? groups = null)
    {
        var o = new JsonObject { ["score"] = c.Intervals.Score, ["level"] = c.Intervals.Level, ["rows"] = c.Rows };
        foreach (var (name, value) in c.Metrics()) o[name] = value;
        if (c.ByClass.Count > 0)
            o["by_class"] = new JsonArray([.. c.ByClass.Where(k => k.Rows > 0).Select(k =>
                (JsonNode)new JsonObject { ["class"] = Name(k.Class, classNames), ["rows"] = k.Rows, ["coverage"] = k.Coverage })]);
        if (groups is { Count: > 0 }) o["groups"] = JsonGroups(groups);
        return o;
    }
}
