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

    /// <summary>How the sets in <paramref name="folder"/>'s <c>intervals.json</c> did on a classifier's scored rows; null without the file.</summary>
    public static ConformalCoverage? Of(string folder, Reports.Evaluation.ModelScores s) =>
        ConformalIntervals.Load(folder) is { } intervals ? ConformalCoverage.Classifier(intervals, s.Classes, s.Probabilities, s.Labels, s.Predicted) : null;

    /// <summary>The JSON of <c>eval --json</c>'s <c>conformal</c>: score, level, coverage and what the answers said.</summary>
    public static JsonObject Json(ConformalCoverage c, IReadOnlyList<string>? classNames = null)
    {
        var o = new JsonObject { ["score"] = c.Intervals.Score, ["level"] = c.Intervals.Level, ["rows"] = c.Rows };
        foreach (var (name, value) in c.Metrics()) o[name] = value;
        if (c.ByClass.Count > 0)
            o["by_class"] = new JsonArray([.. c.ByClass.Where(k => k.Rows > 0).Select(k =>
                (JsonNode)new JsonObject { ["class"] = Name(k.Class, classNames), ["rows"] = k.Rows, ["coverage"] = k.Coverage })]);
        return o;
    }
}
