using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    private static Command Split()
    {
        var reference = new Argument<string>("dataset") { Description = "The data set version (images or a table), NAME@VERSION (or NAME for the latest)." };
        var test = new Option<double>("--test") { Description = "Fraction for the test split.", DefaultValueFactory = _ => 0.2 };
        var validation = new Option<double>("--validation") { Description = "Fraction for the validation split.", DefaultValueFactory = _ => 0.0 };
        var stratify = new Option<bool>("--stratify") { Description = "Exact proportions per class (old items at a class's split boundary can move when items are added)." };
        var group = new Option<string?>("--group-column") { Description = "Keep all images (or table rows) of one group on one side; for images the imported manifest's 'group' column." };
        var time = new Option<string?>("--time-column") { Description = "Tables: order rows by this column and put the latest in test (then validation); the import's --time-column is the default." };
        var shuffle = new Option<bool>("--shuffle") { Description = "Tables: split by hash even though the import named a time column." };
        var folds = new Option<int>("--folds") { Description = "Also assign K folds (by stable hash) to the non-test items.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the assignment hash.", DefaultValueFactory = _ => 0 };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("split", """
            Record a new version of a data set (images, text, audio or a table) with train/validation/test splits (and folds),
            linked to its parent. Each item's side comes from a stable hash of (seed, path or group), so adding images never
            moves old ones across splits (with --stratify only items at a class's boundary can move, to keep the proportions
            exact). A table version's rows are hashed by their content (or --group-column); --time-column (by default the
            import's) puts the latest rows in test, and --shuffle hashes them anyway.

            Examples:
              lepton data split photos@2 --test 0.2 --validation 0.1
              lepton data split photos@2 --test 0.2 --stratify --seed 7
              lepton data split scans@1 --test 0.25 --group-column group --folds 5 --json
              lepton data split churn@1 --test 0.2 --stratify --folds 5
              lepton data split sales@1 --test 0.2 --time-column date
              lepton data split keywords@1 --test 0.2 --validation 0.1 --group-column speaker
            """);
        cmd.Arguments.Add(reference);
        foreach (var o in new Option[] { test, validation, stratify, group, time, shuffle, folds, seed, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            if (await TableVersionAsync(p.GetValue(store), p.GetValue(reference)!, ct) is { } tableVersion)
            {
                await using var tables = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
                return await SplitTableAsync(tables, tableVersion, new Data.Tables.Splits.TableSplitOptions(p.GetValue(test), p.GetValue(validation),
                    p.GetValue(stratify), p.GetValue(group), p.GetValue(time), p.GetValue(folds), p.GetValue(seed), p.GetValue(shuffle)), p.GetValue(json), ct);
            }
            if (p.GetValue(time) is not null || p.GetValue(shuffle)) throw new ArgumentException($"{(p.GetValue(shuffle) ? "--shuffle" : "--time-column")} splits tables; image, text and audio data sets have no time column.");
            var options = new SplitOptions(p.GetValue(test), p.GetValue(validation), p.GetValue(stratify), p.GetValue(group) is not null, p.GetValue(folds), p.GetValue(seed));
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var parent = await DatasetReference.Parse(p.GetValue(reference)).ResolveAsync(registry.Store, ct);
            if (Registry.Datasets.Audio.AudioDatasetSummary.IsAudioVersion(parent)) return await SplitAudioAsync(registry, parent, options, p.GetValue(group), p.GetValue(json), ct);
            if (p.GetValue(group) is { } column && column != "group")
                throw new ArgumentException($"--group-column '{column}': an image data set keeps one group column, 'group' (from the import manifest's group column); use --group-column group.");
            if (Registry.Datasets.Text.TextDatasetSummary.IsTextVersion(parent)) return await SplitTextAsync(registry, parent, options, p.GetValue(json), ct);
            var manifest = await ImageDatasets.ReadManifestAsync(registry.Artifacts, parent, ct);
            if (options.Grouped && manifest.Items.All(i => i.Group is null))
                throw new ArgumentException($"{parent.Name}@{parent.Version} has no groups; import a manifest with a group column to split by group.");
            var result = ImageSplitter.Split(manifest, options);
            var note = $"split of {parent.Name}@{parent.Version}: test {options.Test}, validation {options.Validation}" +
                       $"{(options.Stratify ? ", stratified" : "")}{(options.Grouped ? ", grouped" : "")}{(options.Folds >= 2 ? $", {options.Folds} folds" : "")}, seed {options.Seed}";
            var version = await ImageDatasets.RecordDerivedAsync(registry.Store, registry.Artifacts, parent.Name, parent.Version, result.Manifest, note, RegistryOptions.Actor, ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    name = version.Name, version = version.Version, parent_version = parent.Version, content_hash = version.ContentHash,
                    counts = result.Counts.GroupBy(c => c.Split).ToDictionary(g => g.Key, g => g.ToDictionary(c => c.Class ?? "(unlabelled)", c => c.Count)),
                    folds = options.Folds >= 2
                        ? result.Manifest.Items.Where(i => i.Fold is not null).GroupBy(i => i.Fold!.Value).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count())
                        : null,
                });
                return 0;
            }
            var c = AnsiConsole.Console;
            c.MarkupLine($"recorded [bold]{Markup.Escape(version.Name)}@{version.Version}[/] (parent {parent.Version}): {Markup.Escape(note)}");
            var t = new Table().Border(TableBorder.Rounded).AddColumn("class");
            var splits = ImageSplits.All.Where(s => result.Counts.Any(x => x.Split == s)).ToList();
            foreach (var s in splits) t.AddColumn(new TableColumn(s).RightAligned());
            foreach (var cls in result.Counts.Select(x => x.Class).Distinct().OrderBy(x => x, StringComparer.Ordinal))
                t.AddRow([Markup.Escape(cls ?? "(unlabelled)"), .. splits.Select(s => $"{result.Counts.Where(x => x.Split == s && x.Class == cls).Sum(x => x.Count):N0}")]);
            c.Write(t);
            return 0;
        }));
        return cmd;
    }
}
