using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Cli.Rendering;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Reports.Html;
using Lepton.Training.Callbacks;
using Lepton.Training.Tracking;
using Lepton.Training.Workflows;
using Lepton.Training.Workflows.CrossValidation;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>--folds K</c> of <c>lepton train</c> and <c>lepton eval</c>: K-fold cross-validation of a recipe on the training split,
/// recorded as a parent run with one run per fold, shown as a table (mean, std, min, max and each fold), JSON or an HTML page.
/// </summary>
public static class CrossValidationCli
{
    public static Option<int?> FoldsOption() => new("--folds")
    {
        Description = "Cross-validate instead: K stratified folds of the training split (seeded), one fresh model per fold; reports mean, std, min and max of every held-out metric. Each fold is a run under a parent run.",
    };

    /// <summary>Runs the folds with progress and prints the result; <paramref name="reportPath"/> also writes the HTML page.</summary>
    public static async Task<int> RunAsync(ImageClassifierRecipe recipe, int folds, string name, string? store, bool json, string? reportPath, CancellationToken ct)
    {
        CheckFolds(folds);
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        using var progress = new ProgressBar(interactive: json ? false : null, plainOutput: json ? TextWriter.Null : null);
        var result = await TrackedCrossValidation.RunAsync(recipe, folds, registry, name, RegistryOptions.Actor, _ => [progress], FoldPrinter(folds, json), ct);
        string? written = null;
        if (reportPath is not null)
        {
            written = Path.GetFullPath(reportPath);
            if (Path.GetDirectoryName(written) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(written, CrossValidationHtml.Render(result, $"Cross-validation of {name} on {recipe.Data}"), ct);
        }
        if (json) JsonOut.Write(ToJson(result, written));
        else Write(result, $"{name} on {recipe.Data}", written);
        return result.Cancelled ? CommandRunner.ExitCancelled : 0;
    }

    /// <summary>Cross-validates a tabular recipe on a table data set version and prints the result.</summary>
    public static async Task<int> RunAsync(Lepton.Training.Workflows.Tables.TabularRecipe recipe, int folds, string name, string? store, bool json, CancellationToken ct)
    {
        CheckFolds(folds);
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        var result = await TrackedCrossValidation.RunAsync(recipe, folds, registry, name, RegistryOptions.Actor, FoldPrinter(folds, json), ct);
        return Finish(result, $"{name} on {recipe.Data}", json);
    }

    /// <summary>Cross-validates a text recipe on a text data set version (each fold trains its own tokenizer) and prints the result.</summary>
    public static async Task<int> RunAsync(Lepton.Training.Workflows.Text.TextRecipe recipe, int folds, string name, string? store, bool json, CancellationToken ct)
    {
        CheckFolds(folds);
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        string work = Path.Combine(CommonOptions.Home, "cross-validation", name);
        var result = await TrackedCrossValidation.RunAsync(recipe, folds, work, registry, name, RegistryOptions.Actor, FoldPrinter(folds, json),
            json ? null : line => Console.Error.WriteLine($"  {line}"), ct);
        return Finish(result, $"{name} on {recipe.Data}", json);
    }

    private static void CheckFolds(int folds)
    {
        if (folds is < 2 or > 100) throw new ArgumentException($"--folds must be 2..100, got {folds}.");
    }

    private static Action<FoldOutcome> FoldPrinter(int folds, bool json) => fold =>
    {
        if (!json) Console.Error.WriteLine($"fold {fold.Fold + 1}/{folds}: " + string.Join(", ", fold.Metrics.Select(m => $"{m.Key} {m.Value.ToString("F4", CultureInfo.InvariantCulture)}")));
    };

    private static int Finish(CrossValidationResult result, string title, bool json)
    {
        if (json) JsonOut.Write(ToJson(result, null));
        else Write(result, title, null);
        return result.Cancelled ? CommandRunner.ExitCancelled : 0;
    }

    /// <summary>
    /// The recipe that made a model, for <c>eval --folds</c>: its architecture (model.json, fresh weights) and the training settings its
    /// metadata recorded (epochs, batch size, learning rate, optimizer, schedule, augmentation, seed), on <paramref name="data"/>.
    /// </summary>
    public static ImageClassifierRecipe RecipeOf(string folder, string data, string? dataDir)
    {
        string specPath = Path.Combine(folder, ModelFile.SpecFileName);
        if (!File.Exists(specPath) || File.Exists(Path.Combine(folder, Lepton.Runtime.LightGbm.LightGbmModelFolder.ModelTextFile)))
            throw new ArgumentException("eval --folds retrains a Lepton network's architecture (its model.json); for a table learner run lepton train --data TABLE@V --model LEARNER --folds K.");
        var metadata = ModelSpec.FromJson(File.ReadAllText(specPath), specPath).Metadata;
        var d = new ImageClassifierRecipe();
        return d with
        {
            Data = data, DataDir = dataDir, Model = specPath,
            Epochs = Int(metadata, "epochs") ?? d.Epochs, BatchSize = Int(metadata, "batch_size") ?? d.BatchSize,
            LearningRate = Number(metadata, "learning_rate") ?? d.LearningRate, Optimizer = Text(metadata, "optimizer") ?? d.Optimizer,
            Schedule = Text(metadata, "schedule") ?? d.Schedule, Augment = Text(metadata, "augment"),
            Seed = metadata?["seed"] is JsonValue s && s.TryGetValue(out ulong seed) ? seed : d.Seed,
        };
    }

    private static void Write(CrossValidationResult result, string title, string? report)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(title)}[/]: {result.FoldOutcomes.Count} of {result.Folds} folds" + (result.ParentRunId is { } run ? $" (parent run {Markup.Escape(run)})" : ""));
        var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "mean", "std", "min", "max");
        foreach (var fold in result.FoldOutcomes) table.AddColumn($"fold {fold.Fold + 1}");
        foreach (var m in result.Metrics)
            table.AddRow([Markup.Escape(m.Name), F(m.Mean), F(m.Std), F(m.Min), F(m.Max), .. result.FoldOutcomes.Select(f => F(f.Metrics[m.Name]))]);
        AnsiConsole.Console.Write(table);
        if (result.Cancelled) AnsiConsole.MarkupLine("[yellow]Stopped early:[/] the spread covers the folds that finished.");
        if (report is not null) AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(report)}[/]");
    }

    private static object ToJson(CrossValidationResult result, string? report) => new
    {
        folds = result.Folds, result.Seed, parent_run = result.ParentRunId, cancelled = result.Cancelled, report,
        metrics = result.Metrics.ToDictionary(m => m.Name, m => new { mean = Finite(m.Mean), std = Finite(m.Std), min = Finite(m.Min), max = Finite(m.Max) }),
        fold_results = result.FoldOutcomes.Select(f => new
        {
            fold = f.Fold + 1, run = f.RunId, trained_on = f.TrainCount, held_out = f.HeldOutCount,
            metrics = f.Metrics.ToDictionary(m => m.Key, m => Finite(m.Value)),
        }),
    };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static string F(double v) => double.IsFinite(v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "–";

    private static string? Text(JsonObject? o, string key) => o?[key] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) ? s : null;

    private static int? Int(JsonObject? o, string key) => o?[key] is JsonValue v && v.TryGetValue(out int i) ? i : null;

    private static double? Number(JsonObject? o, string key) => o?[key] is JsonValue v && v.TryGetValue(out double d) ? d : null;
}
