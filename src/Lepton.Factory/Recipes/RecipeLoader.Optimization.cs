using Lepton.Compression.Quantization;
using Lepton.Compression.Tuning.Objectives;
using Lepton.Compression.Tuning.Sampling;
using Lepton.Compression.Tuning.Space;
using Lepton.Factory.Recipes.Schema;

namespace Lepton.Factory.Recipes;

/// <summary>The readers of the tune, compress and export sections.</summary>
public static partial class RecipeLoader
{
    internal static IReadOnlyList<string> TuneKeys { get; } = ["space", "trials", "budget", "parallel", "sampler", "min_epochs", "max_epochs", "eta"];

    internal static IReadOnlyList<string> CompressKeys { get; } = ["method", "samples", "max_accuracy_drop", "min_speedup", "layers"];

    internal static IReadOnlyList<string> CalibrateKeys { get; } = ["method", "split"];

    internal static IReadOnlyList<string> IntervalsKeys { get; } = ["level", "split", "per_class"];

    internal static IReadOnlyList<string> ExportKeys { get; } = ["onnx"];

    private static RecipeTune? ReadTune(YamlSection? s, string baseDirectory, RecipeData data)
    {
        if (s is null) return null;
        if (data.IsTable) CheckTableTune(s, data.Table!);
        string? space = s.String("space");
        if (space is null)
        {
            s.Errors.Add(s.Node, "'tune.space' is missing; give the search space file (as lepton tune --space reads it, see docs/tuning.md), relative to the recipe.");
            return null;
        }
        string full = Resolve(space, baseDirectory);
        if (!File.Exists(full))
            s.Errors.Add(s.Value("space")!, $"'tune.space' is '{space}', but there is no file at {full}.");
        else
        {
            try
            {
                var parameters = SearchSpaceYaml.Load(full).Parameters;
                if (data.IsTable && parameters.FirstOrDefault(p => !TableTrialObjective.Names.Contains(p.Name)) is { } other)
                    throw new ArgumentException($"'{other.Name}' is not a gbdt parameter a table search sets; use {string.Join(", ", TableTrialObjective.Names)}.");
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidDataException) { s.Errors.Add(s.Value("space")!, $"'tune.space' {space}: {ex.Message}"); }
        }
        var d = new RecipeTune(full);
        int min = s.Int("min_epochs", d.MinEpochs, 1, 10_000);
        int? max = s.Has("max_epochs") ? s.Int("max_epochs", min, min, 10_000) : null;
        return new RecipeTune(full,
            Trials: s.Int("trials", d.Trials, 1, 10_000),
            Budget: s.Duration("budget"),
            Parallel: s.Int("parallel", d.Parallel, 1, 64),
            Sampler: s.Choice("sampler", d.Sampler, Samplers.Names),
            MinEpochs: min,
            MaxEpochs: max,
            Eta: s.Int("eta", d.Eta, 2, 100));
    }

    // A table search tunes gbdt's parameters, one fit per trial, chosen on the validation rows: epochs mean nothing there.
    private static void CheckTableTune(YamlSection s, RecipeTable table)
    {
        foreach (var key in new[] { "min_epochs", "max_epochs", "eta" }.Where(s.Has))
            s.Errors.Add(s.Value(key) ?? s.Node, $"'tune.{key}' halves a network's epochs; a table search fits each trial once, so remove it.");
        if (table.SplitColumn is null && table.Validation <= 0)
            s.Errors.Add(s.Node, "'tune' on a table chooses trials on the validation rows, and the split has none; set data.validation (e.g. 10%).");
    }

    private static RecipeCompress? ReadCompress(YamlSection? s, RecipeData data)
    {
        if (s is null) return null;
        if (data.IsTable)
            s.Errors.Add(s.Node, "'compress' calibrates int8 quantization of a network on training images; a table recipe trains tree, linear or MLP learners, so remove 'compress'.");
        var d = new RecipeCompress();
        return new RecipeCompress(
            Method: s.Choice("method", d.Method, CalibrationMethods.Names),
            Samples: s.Int("samples", d.Samples, 1, 1_000_000),
            MaxAccuracyDropPoints: s.Double("max_accuracy_drop", 0, 100) ?? d.MaxAccuracyDropPoints,
            MinSpeedup: s.Double("min_speedup", 0, 1000) ?? d.MinSpeedup,
            Layers: s.Choice("layers", d.Layers, LayerPrecisions.Names));
    }

    private static RecipeCalibrate? ReadCalibrate(YamlSection? s, RecipeData data, bool export)
    {
        if (s is null) return null;
        if (data.IsTable)
            s.Errors.Add(s.Node, "'calibrate' calibrates a trained network; a table recipe calibrates while it trains: set 'training.calibrate' (sigmoid, isotonic, temperature or auto) and remove 'calibrate'.");
        if (export)
            s.Errors.Add(s.Node, "'calibrate' with 'export': the ONNX graph would answer the uncalibrated probabilities the registered model no longer serves; remove one of them.");
        string? method = s.String("method");
        if (method is not null && !Training.Classic.ProbabilityCalibrator.Methods.Contains(method))
            s.Errors.Add(s.Value("method") ?? s.Node, $"'calibrate.method' is '{method}'; use {string.Join(", ", Training.Classic.ProbabilityCalibrator.Methods)}, or leave it out (sigmoid for a yes/no model, temperature for more classes).");
        return new RecipeCalibrate(method, s.String("split") ?? "validation");
    }

    private static RecipeIntervals? ReadIntervals(YamlSection? s, RecipeData data)
    {
        if (s is null) return null;
        if (data.IsTable)
            s.Errors.Add(s.Node, "'intervals' fits a trained network's prediction sets; a table recipe fits its intervals or sets while it trains: set 'training.intervals' (and 'training.intervals_per_class') and remove 'intervals'.");
        double? level = s.Double("level", 0, 1, minExclusive: true);
        if (level is null && !s.Has("level")) s.Errors.Add(s.Node, "'intervals.level' is required: the share of answers whose set should hold the true class, e.g. 'level: 0.9'.");
        if (level is 1.0) s.Errors.Add(s.Value("level")!, "'intervals.level' is 1; a set that always holds the truth names every class: give a share below 1, e.g. 0.9.");
        return new RecipeIntervals(level is > 0 and < 1 ? level.Value : 0.9, s.String("split") ?? "validation", s.Choice("per_class", "false", ["true", "false"]) == "true");
    }

    private static RecipeExport? ReadExport(YamlSection? s, RecipeData data)
    {
        if (s is null) return null;
        if (data.IsTable)
            s.Errors.Add(s.Node, "'export' writes a network as ONNX; a table model's folder already holds LightGBM's own model.txt (or a Lepton network, which lepton export onnx converts), so remove 'export'.");
        return new RecipeExport(s.Choice("onnx", "true", ["true", "false"]) == "true");
    }
}
