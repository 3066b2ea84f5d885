using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using TableDiff = Lepton.Data.Tables.TableDiff;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    private static Command Diff()
    {
        var from = new Argument<string>("from") { Description = "The older version, NAME@VERSION." };
        var to = new Argument<string>("to") { Description = "The newer version, NAME@VERSION (or NAME for the latest)." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("diff", """
            List what changed between two image data set versions: added, removed, relabelled (a file moved to another class
            folder counts as relabelled), moved to another split, changed content. For two table versions: columns added,
            removed or of another kind, roles, rows removed, added or (by an identifier column) changed, each column's
            missing values, distinct values and mean, and the split sizes.

            Examples:
              lepton data diff photos@1 photos@2
              lepton data diff photos@1 photos --json
              lepton data diff churn@1 churn@3
            """);
        cmd.Arguments.Add(from);
        cmd.Arguments.Add(to);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var (a, b) = (DatasetReference.Parse(p.GetValue(from)), DatasetReference.Parse(p.GetValue(to)));
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var va = await a.ResolveAsync(registry.Store, ct);
            var vb = await b.ResolveAsync(registry.Store, ct);
            bool tableFrom = TableDatasetSummary.IsTableVersion(va), tableTo = TableDatasetSummary.IsTableVersion(vb);
            if (tableFrom != tableTo)
                throw new ArgumentException($"{va.Name}@{va.Version} is {(tableFrom ? "a table" : "not a table")} and {vb.Name}@{vb.Version} is {(tableTo ? "a table" : "not a table")}; diff compares two versions of one kind.");
            if (tableFrom) return await DiffTablesAsync(registry, va, vb, p.GetValue(json), ct);
            var diff = Registry.Datasets.Audio.AudioDatasetSummary.IsAudioVersion(va) && Registry.Datasets.Audio.AudioDatasetSummary.IsAudioVersion(vb)
                ? Registry.Datasets.Audio.AudioDatasets.Diff(await Registry.Datasets.Audio.AudioDatasets.ReadManifestAsync(registry.Artifacts, va, ct), await Registry.Datasets.Audio.AudioDatasets.ReadManifestAsync(registry.Artifacts, vb, ct))
                : Registry.Datasets.Text.TextDatasetSummary.IsTextVersion(va) && Registry.Datasets.Text.TextDatasetSummary.IsTextVersion(vb)
                ? Registry.Datasets.Text.TextDatasets.Diff(await Registry.Datasets.Text.TextDatasets.ReadManifestAsync(registry.Artifacts, va, ct), await Registry.Datasets.Text.TextDatasets.ReadManifestAsync(registry.Artifacts, vb, ct))
                : ImageDatasets.Diff(await ImageDatasets.ReadManifestAsync(registry.Artifacts, va, ct), await ImageDatasets.ReadManifestAsync(registry.Artifacts, vb, ct));
            var counts = Enum.GetValues<ImageChangeKind>().ToDictionary(KindName, k => diff.Of(k).Count());
            if (p.GetValue(json))
            {
                JsonOut.Write(new { from = $"{va.Name}@{va.Version}", to = $"{vb.Name}@{vb.Version}", counts, changes = diff.Changes });
                return 0;
            }
            var c = AnsiConsole.Console;
            c.MarkupLine($"[bold]{Markup.Escape(va.Name)}@{va.Version} -> {Markup.Escape(vb.Name)}@{vb.Version}[/]: " +
                         string.Join(", ", counts.Select(kv => $"{kv.Value} {kv.Key}")));
            if (diff.IsEmpty) return 0;
            var t = new Table().Border(TableBorder.Rounded).AddColumns("change", "file", "was", "label", "split");
            foreach (var ch in diff.Changes.Take(200))
                t.AddRow(KindName(ch.Kind), Markup.Escape(ch.Path), Markup.Escape(ch.OldPath is { } o && o != ch.Path ? o : ""),
                    Markup.Escape(ch.OldLabel == ch.NewLabel ? ch.NewLabel ?? "" : $"{ch.OldLabel ?? "-"} -> {ch.NewLabel ?? "-"}"),
                    Markup.Escape(ch.OldSplit == ch.NewSplit ? ch.NewSplit ?? "" : $"{ch.OldSplit ?? "-"} -> {ch.NewSplit ?? "-"}"));
            c.Write(t);
            if (diff.Changes.Count > 200) c.MarkupLine($"... and {diff.Changes.Count - 200:N0} more (see --json)");
            return 0;
        }));
        return cmd;
    }

    private const int RowsShown = 20;

    private static async Task<int> DiffTablesAsync(ModelRegistry registry, Registry.Store.DatasetVersion va, Registry.Store.DatasetVersion vb, bool asJson, CancellationToken ct)
    {
        var a = await TableDatasets.LoadAsync(registry.Artifacts, va, ct);
        var b = await TableDatasets.LoadAsync(registry.Artifacts, vb, ct);
        var d = TableDiff.Compare(a.Table, a.Schema, a.Splits, b.Table, b.Schema, b.Splits);
        string names = $"{va.Name}@{va.Version} -> {vb.Name}@{vb.Version}";
        if (asJson)
        {
            JsonOut.Write(new { from = $"{va.Name}@{va.Version}", to = $"{vb.Name}@{vb.Version}", kind = "table", diff = d });
            return 0;
        }
        var c = AnsiConsole.Console;
        c.MarkupLine($"[bold]{Markup.Escape(names)}[/]: {d.RowsFrom:N0} -> {d.RowsTo:N0} rows: {d.Unchanged:N0} unchanged, {d.Removed:N0} removed, " +
                     $"{d.Added:N0} added, {d.ChangedCount:N0} changed{(d.MatchedBy is { } id ? $" (edited rows paired by '{Markup.Escape(id)}')" : "")}");
        if (d.IsEmpty) { c.MarkupLine("[green]no changes[/]"); return 0; }
        if (d.ColumnsAdded.Count > 0) c.MarkupLine($"columns added: {Markup.Escape(string.Join(", ", d.ColumnsAdded))}");
        if (d.ColumnsRemoved.Count > 0) c.MarkupLine($"columns removed: {Markup.Escape(string.Join(", ", d.ColumnsRemoved))}");
        foreach (var k in d.KindChanges) c.MarkupLine($"kind of {Markup.Escape(k.Column)}: {k.From} -> {k.To}");
        foreach (var r in d.RoleChanges) c.MarkupLine($"{r.Role} column: {Markup.Escape(r.From ?? "none")} -> {Markup.Escape(r.To ?? "none")}");
        if (d.SplitsDiffer)
            c.MarkupLine($"splits: {SplitSizes(d.SplitsFrom)} -> {SplitSizes(d.SplitsTo)}");
        if (d.Statistics.Count > 0)
        {
            var t = new Table().Border(TableBorder.Rounded).AddColumns("column", "missing", "distinct", "mean");
            foreach (var s in d.Statistics)
                t.AddRow(Markup.Escape(s.Column), Change(s.MissingFrom, s.MissingTo), Change(s.DistinctFrom, s.DistinctTo),
                    s.MeanFrom is null && s.MeanTo is null ? "" : $"{Number(s.MeanFrom)} -> {Number(s.MeanTo)}");
            c.Write(t);
        }
        if (d.Removed + d.Added + d.ChangedCount == 0) return 0;
        var rows = new Table().Border(TableBorder.Rounded).AddColumns("change", "row (from)", "row (to)", "detail");
        foreach (var r in d.RemovedRows.Take(RowsShown)) rows.AddRow("removed", $"{r}", "", "");
        foreach (var r in d.AddedRows.Take(RowsShown)) rows.AddRow("added", "", $"{r}", "");
        foreach (var ch in d.Changed.Take(RowsShown))
            rows.AddRow("changed", $"{ch.FromRow}", $"{ch.ToRow}", Markup.Escape($"{d.MatchedBy} {ch.Id}: " + string.Join(", ", ch.Cells.Take(3).Select(x => $"{x.Column} {x.From ?? "missing"} -> {x.To ?? "missing"}"))
                    + (ch.Cells.Count > 3 ? $" and {ch.Cells.Count - 3} more" : "")));
        c.Write(rows);
        if (d.Removed > RowsShown || d.Added > RowsShown || d.ChangedCount > RowsShown)
            c.MarkupLine($"[dim]{RowsShown} of each kind shown; --json lists up to {TableDiff.MaxRowsListed:N0}.[/]");
        return 0;
    }

    private static string SplitSizes(IReadOnlyDictionary<string, int>? sizes) =>
        sizes is null || sizes.Count == 0 ? "none" : string.Join(", ", sizes.Select(kv => $"{kv.Key} {kv.Value:N0}"));

    private static string Change(int from, int to) => from == to ? $"{to:N0}" : $"{from:N0} -> {to:N0}";

    private static string Number(double? v) => v is { } x ? x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static string KindName(ImageChangeKind kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
