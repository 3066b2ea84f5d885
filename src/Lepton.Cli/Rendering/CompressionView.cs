using Lepton.Compression.Measurement;
using Lepton.Compression.Tracking;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>The result of <c>lepton compress prune|distill</c>: source against result (accuracy, parameters, inference time) and where it went.</summary>
public static class CompressionView
{
    public static void Write(TrackedCompressionOutcome tracked)
    {
        var console = AnsiConsole.Console;
        if (tracked.Report is not { } r)
        {
            console.MarkupLine($"[yellow]Stopped.[/] Nothing was registered; run {tracked.RunId} is marked cancelled.");
            return;
        }
        string source = r.Sources.Count == 1 ? "source" : $"teachers ({r.Sources.Count})";
        var t = new Table().Border(TableBorder.Rounded).AddColumns("", source, "result", "change");
        t.AddRow("test accuracy", $"{r.Before.Accuracy:P2}", $"{r.After.Accuracy:P2}", $"{r.AccuracyChangePoints:+0.00;-0.00} points");
        if (r.AccuracyBeforeFineTuning is { } a) t.AddRow("  before fine-tuning", "", $"{a:P2}", "");
        t.AddRow("parameters", $"{r.Before.Parameters:N0}", $"{r.After.Parameters:N0}", $"{r.ParameterRatio:P1} of the source");
        if (r.After.NonZeroParameters != r.After.Parameters)
            t.AddRow("non-zero parameters", $"{r.Before.NonZeroParameters:N0}", $"{r.After.NonZeroParameters:N0}", "");
        t.AddRow($"inference (batch {r.After.Speed.BatchSize})", $"{r.Before.Speed.MillisecondsPerBatch:F2} ms", $"{r.After.Speed.MillisecondsPerBatch:F2} ms", $"{r.Speedup:F2}x faster");
        console.Write(t);
        foreach (var c in r.Changes) console.MarkupLine($"  [grey]{Markup.Escape(c)}[/]");
        console.MarkupLine($"Model saved to [bold]{Markup.Escape(tracked.ModelDirectory)}[/] (report: {CompressionReport.FileName}).");
        console.MarkupLine($"run [bold]{tracked.RunId}[/] on {Markup.Escape(tracked.DatasetRef)}" +
                           (tracked.Registered is { } v ? $", registered as [bold]{Markup.Escape(v.Model)}@{v.Version}[/] (parent: {Markup.Escape(string.Join(", ", r.Sources))})" : ""));
    }

    public static void WriteJson(TrackedCompressionOutcome tracked) => JsonOut.Write(new
    {
        run_id = tracked.RunId,
        dataset = tracked.DatasetRef,
        registered = tracked.Registered is { } v ? $"{v.Model}@{v.Version}" : null,
        model_directory = tracked.ModelDirectory,
        cancelled = tracked.Cancelled,
        report = tracked.Report?.ToJson(),
    });
}
