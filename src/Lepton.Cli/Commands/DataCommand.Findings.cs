using Lepton.Data.Images.Inspection;
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
}
