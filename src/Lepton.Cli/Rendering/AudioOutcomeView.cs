using System.Globalization;
using System.Text.Json;
using Lepton.Registry;
using Lepton.Training.Callbacks;
using Lepton.Training.Workflows.Audio;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>Runs <c>lepton train</c> on an audio data set version with a progress bar and prints what it trained: preset, clips, held-out accuracy.</summary>
internal static class AudioOutcomeView
{
    public static async Task<int> TrainAsync(ModelRegistry registry, AudioRecipe recipe, string dir, string? registerAs, bool json, CancellationToken ct)
    {
        Action<string>? log = json ? null : line => AnsiConsole.Console.MarkupLine(Markup.Escape(line));
        using var progress = new ProgressBar(interactive: json ? false : null, plainOutput: json ? TextWriter.Null : null);
        var tracked = await TrackedAudioTraining.RunAsync(recipe, dir, registry, registerAs, RegistryOptions.Actor, [progress], log, ct);
        var o = tracked.Outcome;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                model = o.Model,
                data = tracked.DatasetRef,
                run_id = tracked.RunId,
                folder = Path.GetFullPath(dir),
                clip_seconds = o.ClipSeconds,
                augment = o.Augment,
                train_clips = o.TrainClips,
                validation_clips = o.ValidationClips,
                test_clips = o.TestClips,
                epoch_losses = o.History.Epochs.Select(e => e.TrainLoss).ToArray(),
                metrics = o.TestMetrics,
                seconds = o.Elapsed.TotalSeconds,
                cancelled = o.Cancelled,
                registered = tracked.Registered is { } v ? $"{v.Model}@{v.Version}" : null,
            }));
            return o.Cancelled ? CommandRunner.ExitCancelled : 0;
        }
        var c = AnsiConsole.Console;
        if (o.Cancelled) return TrainedFolderLines.Cancelled(o.History.Epochs.Count, tracked.RunId);
        string metrics = o.TestMetrics.ContainsKey("test_accuracy")
            ? TrainedFolderLines.Metrics(o.TestMetrics.Where(m => m.Key.StartsWith("test_", StringComparison.Ordinal)), "")
            : "no test clips to score";
        c.MarkupLine($"[bold]{Markup.Escape(o.Model)}[/] on {Markup.Escape(tracked.DatasetRef)}: {o.TrainClips} training clips, {o.TestClips} test clips (held-out speakers); {Markup.Escape(metrics)}; {o.Elapsed.TotalSeconds:F1} s");
        TrainedFolderLines.Folder(dir, "audio_features.json", tracked.RunId, tracked.Registered);
        return 0;
    }
}
