using System.Text.Json;
using Lepton.Data.Images.Inspection;
using Lepton.Registry.Store;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    /// <summary>An inspection's findings for people, whatever the modality: a count per kind, then the first hundred findings.</summary>
    /// <param name="noun">What an item is (<c>files</c>, <c>texts</c>, <c>clips</c>).</param>
    private static void WriteFindings(string? dataset, int items, string noun, IReadOnlyList<InspectionFinding> findings,
        IReadOnlyDictionary<string, int> countsByKind, string moreHint)
    {
        var c = AnsiConsole.Console;
        c.MarkupLine($"[bold]{Markup.Escape(dataset ?? "")}[/]: {items:N0} {(noun == "files" ? "items" : noun)}, {findings.Count:N0} findings");
        if (findings.Count == 0) { c.MarkupLine("[green]no problems found[/]"); return; }
        var summary = new Table().Border(TableBorder.Rounded).AddColumns("kind", "findings", noun);
        foreach (var (kind, n) in countsByKind)
            summary.AddRow(kind, $"{n:N0}", $"{findings.Where(f => f.Kind == kind).SelectMany(f => f.Files).Distinct().Count():N0}");
        c.Write(summary);
        var t = new Table().Border(TableBorder.Rounded).AddColumns("kind", "finding");
        foreach (var f in findings.Take(100)) t.AddRow(f.Kind, Markup.Escape(f.Message));
        c.Write(t);
        if (findings.Count > 100) c.MarkupLine($"... and {findings.Count - 100:N0} more ({moreHint})");
    }

    /// <summary>The first line of <c>data show</c> for any modality: name, version, kind, content hash, parent, author and time.</summary>
    private static void WriteVersionHeader(DatasetVersion v, string kind) => AnsiConsole.Console.MarkupLine(
        $"[bold]{Markup.Escape(v.Name)}@{v.Version}[/] {kind} data set, content {v.ContentHash}, parent {v.ParentVersion?.ToString() ?? "-"}, by {Markup.Escape(v.CreatedBy)} at {v.CreatedAt:u}");

    /// <summary>A summary's <c>class_counts</c> (split → class → count) as a table, then the length quantiles and the note.</summary>
    private static void WriteCountsAndLengths(JsonElement summary, JsonElement stats, string classHeader, string noun, string lengthName, string lengthProperty)
    {
        var c = AnsiConsole.Console;
        var t = new Table().Border(TableBorder.Rounded).AddColumns("split", classHeader, noun);
        foreach (var split in stats.GetProperty("class_counts").EnumerateObject())
            foreach (var cls in split.Value.EnumerateObject()) t.AddRow(Markup.Escape(split.Name), Markup.Escape(cls.Name), $"{cls.Value.GetInt32():N0}");
        c.Write(t);
        var q = stats.GetProperty(lengthProperty);
        c.MarkupLine($"{lengthName}: total {q.GetProperty("total")}, min {q.GetProperty("min")}, median {q.GetProperty("median")}, p95 {q.GetProperty("p95")}, max {q.GetProperty("max")}");
        if (summary.TryGetProperty("note", out var note)) c.MarkupLine($"note: {Markup.Escape(note.GetString() ?? "")}");
    }
}
