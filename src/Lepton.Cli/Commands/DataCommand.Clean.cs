using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data.Images.Inspection;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    private static Command Clean()
    {
        var reference = new Argument<string>("dataset") { Description = "The data set version (images or a table), NAME@VERSION (or NAME for the latest)." };
        var drop = new Option<string>("--drop") { Description = $"Comma-separated finding kinds to drop: {string.Join(", ", InspectionKinds.All)}; 'all' is every kind but label-error (name it to train the out-of-fold models).", Required = true };
        var folds = new Option<int>("--folds") { Description = "Folds for the out-of-fold predictions when dropping label-error.", DefaultValueFactory = _ => 5 };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("clean", """
            Record a new version of an image data set without the items an inspection finds, linked to its parent. Duplicates
            keep one copy (train first, then validation, test; then by path), leakage keeps the train copy, conflicting labels
            drop every copy. User files are never modified or deleted: the new version just lists fewer items.

            Examples:
              lepton data clean photos@2 --drop unreadable,not-an-image,exact-duplicate,near-duplicate,split-leakage
              lepton data clean photos@2 --drop all --json
              lepton data clean photos@2 --drop all,label-error

            A table version drops rows: --drop duplicates,conflicts (also missing-label, outliers, or all):
              lepton data clean churn@1 --drop duplicates,conflicts
            """);
        cmd.Arguments.Add(reference);
        foreach (var o in new Option[] { drop, folds, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            if (await TableVersionAsync(p.GetValue(store), p.GetValue(reference)!, ct) is { } tableVersion)
            {
                await using var tables = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
                return await CleanTableAsync(tables, tableVersion, p.GetValue(drop)!, p.GetValue(json), ct);
            }
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var resolved = await DatasetReference.Parse(p.GetValue(reference)).ResolveAsync(registry.Store, ct);
            if (Registry.Datasets.Text.TextDatasetSummary.IsTextVersion(resolved)) return await CleanTextAsync(registry, resolved, p.GetValue(drop)!, p.GetValue(json), ct);
            if (Registry.Datasets.Audio.AudioDatasetSummary.IsAudioVersion(resolved)) return await CleanAudioAsync(registry, resolved, p.GetValue(drop)!, p.GetValue(json), ct);
            var kinds = InspectionKinds.Parse(p.GetValue(drop)!);
            using var data = await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(p.GetValue(reference)), ct: ct);
            var parent = data.Version;
            var options = new InspectionOptions();
            if (kinds.Contains(InspectionKinds.LabelError))
                options = options with { PredictedProbabilities = OutOfFold(data, p.GetValue(folds), quiet: p.GetValue(json)) };
            var report = ImageDatasetInspector.Inspect(data.Manifest, data.Pixels, options, $"{parent.Name}@{parent.Version}");
            var result = ImageDatasetCleaner.Clean(data.Manifest, report, kinds);
            var note = $"clean of {parent.Name}@{parent.Version}: dropped {result.Dropped.Count} ({string.Join(",", kinds.Order(StringComparer.Ordinal))})";
            var version = await ImageDatasets.RecordDerivedAsync(registry.Store, registry.Artifacts, parent.Name, parent.Version, result.Manifest, note, RegistryOptions.Actor, ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    name = version.Name, version = version.Version, parent_version = parent.Version, content_hash = version.ContentHash,
                    items = result.Manifest.Items.Count,
                    dropped = result.Dropped.Select(d => new { path = d.Path, kind = d.Kind, reason = d.Reason }),
                });
                return 0;
            }
            var c = AnsiConsole.Console;
            c.MarkupLine($"recorded [bold]{Markup.Escape(version.Name)}@{version.Version}[/] (parent {parent.Version}): {result.Manifest.Items.Count:N0} items, {result.Dropped.Count:N0} dropped");
            if (result.Dropped.Count == 0) return 0;
            var t = new Table().Border(TableBorder.Rounded).AddColumns("dropped", "kind", "why");
            foreach (var d in result.Dropped.Take(100)) t.AddRow(Markup.Escape(d.Path), d.Kind, Markup.Escape(d.Reason));
            c.Write(t);
            if (result.Dropped.Count > 100) c.MarkupLine($"... and {result.Dropped.Count - 100:N0} more (see --json)");
            return 0;
        }));
        return cmd;
    }
}
