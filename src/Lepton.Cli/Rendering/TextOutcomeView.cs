using System.Globalization;
using System.Text.Json;
using Lepton.Registry;
using Lepton.Training.Workflows.Text;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>Runs <c>lepton train</c> on a text data set version and prints what it trained: preset, vocabulary, test accuracy.</summary>
internal static class TextOutcomeView
{
    public static async Task<int> TrainAsync(ModelRegistry registry, TextRecipe recipe, string dir, string? registerAs, bool json, CancellationToken ct)
    {
        Action<string>? log = json ? null : line => AnsiConsole.Console.MarkupLine(Markup.Escape(line));
        var tracked = await TrackedTextTraining.RunAsync(recipe, dir, registry, registerAs, RegistryOptions.Actor, log, ct);
        var o = tracked.Outcome;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                model = o.Model,
                data = tracked.DatasetRef,
                run_id = tracked.RunId,
                folder = Path.GetFullPath(dir),
                vocab_size = o.VocabSize,
                train_texts = o.TrainTexts,
                test_texts = o.TestTexts,
                epoch_losses = o.EpochLosses,
                metrics = o.TestMetrics,
                seconds = o.Elapsed.TotalSeconds,
                cancelled = o.Cancelled,
                registered = tracked.Registered is { } v ? $"{v.Model}@{v.Version}" : null,
            }));
            return o.Cancelled ? CommandRunner.ExitCancelled : 0;
        }
        var c = AnsiConsole.Console;
        if (o.Cancelled) return TrainedFolderLines.Cancelled(o.EpochLosses.Count, tracked.RunId);
        string metrics = TrainedFolderLines.Metrics(o.TestMetrics, "no test texts to score");
        c.MarkupLine($"[bold]{Markup.Escape(o.Model)}[/] on {Markup.Escape(tracked.DatasetRef)}: {o.TrainTexts} training texts, {o.TestTexts} test texts; {Markup.Escape(metrics)}; {o.Elapsed.TotalSeconds:F1} s");
        TrainedFolderLines.Folder(dir, "tokenizer.json", tracked.RunId, tracked.Registered);
        return 0;
    }
}
