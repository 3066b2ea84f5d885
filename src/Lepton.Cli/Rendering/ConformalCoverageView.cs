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

    public static void Write(ConformalCoverage? c, string split)
    {
        if (c is null) return;
        string color = c.Coverage < c.Intervals.Level - 0.05 ? "red" : "green";
        AnsiConsole.MarkupLine($"[{color}]{Markup.Escape(Line(c, split))}[/]");
    }

    /// <summary>How the sets in <paramref name="folder"/>'s <c>intervals.json</c> did on a classifier's scored rows; null without the file.</summary>
    public static ConformalCoverage? Of(string folder, Reports.Evaluation.ModelScores s) =>
        ConformalIntervals.Load(folder) is { } intervals ? ConformalCoverage.Classifier(intervals, s.Classes, s.Probabilities, s.Labels, s.Predicted) : null;

    /// <summary>The JSON of <c>eval --json</c>'s <c>conformal</c>: score, level, coverage and what the answers said.</summary>
    public static JsonObject Json(ConformalCoverage c)
    {
        var o = new JsonObject { ["score"] = c.Intervals.Score, ["level"] = c.Intervals.Level, ["rows"] = c.Rows };
        foreach (var (name, value) in c.Metrics()) o[name] = value;
        return o;
    }
}
