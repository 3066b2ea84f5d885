using System.CommandLine;
using System.Globalization;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Recalibration;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class ModelsCommand
{
    /// <summary><c>lepton models calibrate NAME@V --data DATA</c>: a classifier of any kind calibrated on a held-out split, registered as a new version.</summary>
    private static Command Calibrate()
    {
        var model = new Argument<string>("model") { Description = "The classifier: name, name@3, name@production or a model folder." };
        var data = new Option<string>("--data")
        {
            Description = "Labelled data to calibrate on: an image, text or table data set version (NAME@V), or fashion-mnist.",
            Required = true,
        };
        var dataDir = CommonOptions.DataDir();
        var split = new Option<string>("--split")
        {
            Description = "The split calibrated on: held out from training (validation); the data's test split, when another, is scored before and after.",
            DefaultValueFactory = _ => "validation",
        };
        var method = new Option<string?>("--method")
        {
            Description = "temperature (one divisor of the logits: answers and ranking stay, the confidence moves; Guo et al. 2017), sigmoid (Platt: a yes/no model's slope and shift), isotonic, or auto. Default: sigmoid for a yes/no model, temperature for more classes.",
        };
        var register = new Option<string?>("--register") { Description = "Name of the calibrated version (default: the model's own name, as its next version)." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("calibrate", "Calibrate a trained classifier's probabilities on held-out data and register the result as a new version " +
                                           "(its files plus calibration.json, served calibrated by every Lepton server).\n\n" +
                                           "Examples:\n  lepton models calibrate shapes@production --data shapes@2\n" +
                                           "  lepton models calibrate reviews@3 --data reviews@2 --method temperature --register reviews-calibrated\n" +
                                           "  lepton models calibrate churn@4 --data churn@2 --method isotonic");
        cmd.Arguments.Add(model);
        foreach (var o in new Option[] { data, dataDir, split, method, register, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var source = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
            string name = p.GetValue(register) ?? source.Version?.Model
                ?? throw new ArgumentException($"{source.Display} is a folder, not a registered model; name the calibrated version with --register NAME.");
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            using var examples = await ReportDataSources.LoadAsync(p.GetValue(data)!, p.GetValue(dataDir), registry, ct);
            string onSplit = p.GetValue(split)!;
            var o = await ModelCalibration.RunAsync(registry, source, examples.Data, onSplit, p.GetValue(method), name, RegistryOptions.Actor, ct);
            var v = o.Registered!;
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    registered = $"{v.Model}@{v.Version}", parent = source.Display, method = o.Calibration.Method, split = o.Split, rows = o.Calibration.Rows,
                    temperature = o.Calibration.Maps[0] is Lepton.Runtime.Calibration.TemperatureScaling t ? t.Temperature : (double?)null,
                    before = o.Before, after = o.After, test_split = o.TestSplit, test_before = o.TestBefore, test_after = o.TestAfter,
                });
                return 0;
            }
            if (examples.Data.HeadlineSplit == onSplit)
                AnsiConsole.MarkupLine($"[yellow]Calibrated on the {Markup.Escape(onSplit)} split, which lepton eval reports on: its figures for the new version are no longer held out.[/]");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("rows", "", "log loss", "Brier", "ECE");
            void Add(string what, Lepton.Reports.Recalibration.CalibrationScores s) =>
                table.AddRow(s.Rows.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(what), Number(s.LogLoss), Number(s.Brier), Number(s.ExpectedCalibrationError));
            Add($"{o.Split}, before", o.Before);
            Add($"{o.Split}, after", o.After);
            if (o.TestBefore is { } before && o.TestAfter is { } after)
            {
                Add($"{o.TestSplit}, before", before);
                Add($"{o.TestSplit}, after", after);
            }
            AnsiConsole.Write(table);
            string fitted = o.Calibration.Maps[0] is Lepton.Runtime.Calibration.TemperatureScaling ts ? $"temperature {ts.Temperature:0.###}" : o.Calibration.Method;
            AnsiConsole.MarkupLine($"registered [bold]{Markup.Escape(v.Model)}@{v.Version}[/]: {Markup.Escape(source.Display)} with {Markup.Escape(fitted)} " +
                                   $"fitted on {o.Calibration.Rows:N0} rows of {Markup.Escape(o.Calibration.Source)} (artifact {v.ArtifactHash[..12]})");
            return 0;
        }));
        return cmd;
    }

    private static string Number(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0000", CultureInfo.InvariantCulture);
}
