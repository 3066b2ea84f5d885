using System.CommandLine;
using System.Globalization;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using Lepton.Reports.Conformal;
using Lepton.Reports.Evaluation;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class ModelsCommand
{
    /// <summary><c>lepton models intervals NAME@V --data DATA --level 0.9</c>: a classifier of any kind given conformal prediction sets, registered as a new version.</summary>
    private static Command Intervals()
    {
        var model = new Argument<string>("model") { Description = "The classifier: name, name@3, name@production or a model folder." };
        var data = new Option<string>("--data")
        {
            Description = "Labelled data to fit the sets on: an image, text or table data set version (NAME@V), or fashion-mnist.",
            Required = true,
        };
        var dataDir = CommonOptions.DataDir();
        var level = new Option<double>("--level") { Description = "The share of answers whose set should hold the true class, e.g. 0.9.", Required = true };
        var split = new Option<string>("--split")
        {
            Description = "The split fitted on: held out from training (validation); the data's test split, when another, measures the coverage.",
            DefaultValueFactory = _ => "validation",
        };
        var perClass = new Option<bool>("--per-class") { Description = "Fit the sets class by class, so the level holds among the rows of every class (a rare one too); the sets are larger." };
        var register = new Option<string?>("--register") { Description = "Name of the new version (default: the model's own name, as its next version)." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("intervals", "Give a trained classifier conformal prediction sets (every class it cannot rule out at a level) fitted on held-out data, " +
                                           "and register the result as a new version (its files plus intervals.json; every Lepton server answers each prediction's set).\n\n" +
                                           "Examples:\n  lepton models intervals shapes@production --data shapes@2 --level 0.95\n" +
                                           "  lepton models intervals reviews@3 --data reviews@2 --level 0.9 --register reviews-sets");
        cmd.Arguments.Add(model);
        foreach (var o in new Option[] { data, dataDir, level, split, perClass, register, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var source = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
            string name = p.GetValue(register) ?? source.Version?.Model
                ?? throw new ArgumentException($"{source.Display} is a folder, not a registered model; name the new version with --register NAME.");
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            using var examples = await ReportDataSources.LoadAsync(p.GetValue(data)!, p.GetValue(dataDir), registry, ct);
            string onSplit = p.GetValue(split)!;
            var o = await ModelIntervals.RunAsync(registry, source, examples.Data, onSplit, p.GetValue(level), name, RegistryOptions.Actor, ct, p.GetValue(perClass));
            var v = o.Registered!;
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    registered = $"{v.Model}@{v.Version}", parent = source.Display, level = o.Intervals.Level, quantile = o.Intervals.Quantile, split = o.Split,
                    rows = o.Intervals.Rows, fitted = ConformalCoverageView.Json(o.Fitted, o.ClassNames), test_split = o.TestSplit,
                    test = o.Test is { } t ? ConformalCoverageView.Json(t, o.ClassNames) : null,
                });
                return 0;
            }
            if (examples.Data.HeadlineSplit == onSplit)
                AnsiConsole.MarkupLine($"[yellow]Fitted on the {Markup.Escape(onSplit)} split, which lepton eval reports on: its coverage there is no longer held out.[/]");
            if (o.Test is { } test) ConformalCoverageView.Write(test, o.TestSplit!, o.ClassNames);
            else AnsiConsole.MarkupLine(Markup.Escape($"coverage on the {o.Split} rows fitted on: {o.Fitted.Coverage.ToString("F3", CultureInfo.InvariantCulture)} (no other split to measure it on)"));
            AnsiConsole.MarkupLine($"registered [bold]{Markup.Escape(v.Model)}@{v.Version}[/]: {Markup.Escape(source.Display)} with {Markup.Escape(o.Intervals.Describe())} (artifact {v.ArtifactHash[..12]})");
            return 0;
        }));
        return cmd;
    }
}
