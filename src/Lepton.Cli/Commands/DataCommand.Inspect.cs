using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data.Images.Inspection;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Training.Quality;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    private static Command Inspect()
    {
        var reference = new Argument<string>("dataset") { Description = "The data set version (images or a table), NAME@VERSION (or NAME for the latest)." };
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML report to this file (images: thumbnails; tables: every column's distribution and the rows behind each finding)." };
        var labelErrors = new Option<bool>("--label-errors") { Description = "Also look for likely mislabelled images (confident learning on out-of-fold predictions; trains K small models)." };
        var folds = new Option<int>("--folds") { Description = "Folds for the out-of-fold predictions of --label-errors.", DefaultValueFactory = _ => 5 };
        var distance = new Option<int>("--near-distance") { Description = "Perceptual-hash bits (of 64) within which two images are compared pixel by pixel as possible copies.", DefaultValueFactory = _ => new InspectionOptions().NearDuplicateDistance };
        var sensitive = new Option<string[]>("--sensitive")
        {
            Description = "Tables: columns a model must not discriminate by (home,age); the other columns that carry them (proxies a model kept from them can still learn) are findings.",
            AllowMultipleArgumentsPerToken = true,
        };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("inspect", $"""
            Look for problems in an image data set version: unreadable files and non-images, exact and near duplicates
            (perceptual hash), the same image in two splits (leakage) or with two labels, class imbalance, extreme sizes or
            aspect ratios, near-constant images and, with --label-errors, likely mislabelled images. Each finding names its
            files. Nothing is changed; see lepton data clean. Finding kinds: {string.Join(", ", InspectionKinds.All)}.

            Examples:
              lepton data inspect photos@2
              lepton data inspect photos@2 --html report.html --label-errors
              lepton data inspect photos --json

            A table version gets the table checks (missing values, constant columns, duplicate rows, label conflicts,
            leakage suspects, outliers, rare categories, train/test shift; see docs/tables.md):
              lepton data inspect churn@1 --html churn.html
              lepton data inspect credit@1 --sensitive home,age     (columns that stand in for them)
            """);
        cmd.Arguments.Add(reference);
        foreach (var o in new Option[] { html, labelErrors, folds, distance, sensitive, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var resolved = await DatasetReference.Parse(p.GetValue(reference)).ResolveAsync(registry.Store, ct);
            var sensitiveColumns = Runtime.Tables.ColumnList.Parse(p.GetValue(sensitive), "--sensitive");
            if (Registry.Datasets.Text.TextDatasetSummary.IsTextVersion(resolved)) return await InspectTextAsync(registry, resolved, p.GetValue(json), ct);
            if (await TableVersionAsync(p.GetValue(store), p.GetValue(reference)!, ct) is { } tableVersion)
            {
                if (p.GetValue(labelErrors))
                    throw new ArgumentException($"--label-errors inspects image data sets; {tableVersion.Name}@{tableVersion.Version} is a table (its label-conflict findings show rows whose features agree and labels do not).");
                return await InspectTableAsync(registry, tableVersion, p.GetValue(html), p.GetValue(json), sensitiveColumns, ct);
            }
            if (sensitiveColumns.Count > 0)
                throw new ArgumentException($"--sensitive looks for table columns that stand in for others; {p.GetValue(reference)} is not a table data set version.");
            if (Registry.Datasets.Audio.AudioDatasetSummary.IsAudioVersion(resolved)) return await InspectAudioAsync(registry, resolved, p.GetValue(json), ct);
            using var data = await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(p.GetValue(reference)), ct: ct);
            var name = $"{data.Version.Name}@{data.Version.Version}";
            var options = new InspectionOptions(NearDuplicateDistance: p.GetValue(distance));
            if (p.GetValue(labelErrors))
                options = options with { PredictedProbabilities = OutOfFold(data, p.GetValue(folds), quiet: p.GetValue(json)) };
            var report = ImageDatasetInspector.Inspect(data.Manifest, data.Pixels, options, name);
            if (p.GetValue(html) is { } file)
            {
                await File.WriteAllTextAsync(file, InspectionHtml.Render(report, data.Manifest, data.Pixels), ct);
                if (!p.GetValue(json)) AnsiConsole.Console.MarkupLine($"wrote {Markup.Escape(file)}");
            }
            if (p.GetValue(json)) { Console.WriteLine(report.ToJson()); return 0; }
            WriteReport(report);
            return 0;
        }));
        return cmd;
    }

    /// <summary>Out-of-fold probabilities for --label-errors, with the model's accuracy on stderr (it bounds what can be trusted).</summary>
    private static IReadOnlyDictionary<string, float[]> OutOfFold(ImageDatasetVersion data, int folds, bool quiet)
    {
        var oof = OutOfFoldPredictions.Compute(data.Manifest, data.Pixels, new OutOfFoldOptions(Folds: folds));
        // On stderr even with --json: the accuracy bounds how far the label-error findings can be trusted.
        _ = quiet;
        Console.Error.WriteLine($"label errors: {folds}-fold logistic regression on {oof.Items.Count:N0} images, out-of-fold accuracy {oof.Accuracy:P1}");
        return oof.ByPath();
    }

    private static void WriteReport(InspectionReport report) =>
        WriteFindings(report.Dataset, report.Items, "files", report.Findings, report.CountsByKind, "see --json or --html");
}
