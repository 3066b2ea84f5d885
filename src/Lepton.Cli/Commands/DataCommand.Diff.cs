using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
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
            folder counts as relabelled), moved to another split, changed content.

            Examples:
              lepton data diff photos@1 photos@2
              lepton data diff photos@1 photos --json
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

    private static string KindName(ImageChangeKind kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
