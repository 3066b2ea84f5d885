using System.Globalization;
using Lepton.Compression.Tuning;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Study;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>The trials of a study as a table (live while it runs), the best trial and what was registered; and the same as JSON.</summary>
public static class TuneView
{
    /// <summary>Runs <paramref name="body"/> with the study's table redrawn on every change (interactive) or a line per finished trial (plain).</summary>
    public static async Task<TuneOutcome> LiveAsync(Func<Action<IStudy>, Task<TuneOutcome>> body, bool quiet)
    {
        var console = AnsiConsole.Console;
        if (quiet) return await body(_ => { });
        if (!console.Profile.Capabilities.Interactive)
        {
            // Plain output (a log, a pipe): one line per trial as it ends.
            var reported = new HashSet<(int, TrialStatus, int)>();
            var gate = new object();
            return await body(study => study.Changed = () =>
            {
                var state = study.Snapshot();
                lock (gate)
                    foreach (var t in state.Trials.Where(t => t.Status != TrialStatus.Running && reported.Add((t.Number, t.Status, t.LastEpoch))))
                        console.WriteLine($"trial {t.Number} {Status(t)} after {t.LastEpoch} epoch(s): {Value(t)}  {Params(t)}");
            });
        }
        TuneOutcome? outcome = null;
        await console.Live(new Text("starting...")).AutoClear(false).StartAsync(async ctx =>
        {
            IStudy? current = null;
            using var timer = new Timer(_ => { if (current is { } s) { ctx.UpdateTarget(Table(s.Snapshot())); ctx.Refresh(); } }, null, 500, 500);
            outcome = await body(study =>
            {
                current = study;
                ctx.UpdateTarget(Table(study.Snapshot()));
            });
            ctx.UpdateTarget(Table(outcome.State));
        });
        return outcome!;
    }

    public static void Write(TuneOutcome o)
    {
        var console = AnsiConsole.Console;
        if (!console.Profile.Capabilities.Interactive) console.Write(Table(o.State));
        string stop = o.Stop switch
        {
            Compression.Tuning.Running.StudyStop.Budget => "[yellow]The budget ran out[/]; run the same command with a larger --budget to go on.",
            Compression.Tuning.Running.StudyStop.Cancelled => "[yellow]Stopped.[/] Run the same command again to resume; interrupted trials start again from scratch.",
            _ => "Every trial ran.",
        };
        console.MarkupLine(stop);
        int full = o.State.Trials.Count * o.State.MaxEpochs;
        console.MarkupLine($"{o.State.Trials.Count} trial(s), {o.EpochsSpent} epoch(s) trained of {full} without early stopping, {o.State.ElapsedSeconds:F0} s. " +
            (o.SharedAs is { } w ? $"Shared study [bold]{Markup.Escape(o.State.Name)}[/] in the PostgreSQL store, this worker [bold]{Markup.Escape(w)}[/]" : $"Study: [bold]{Markup.Escape(Path.Combine(o.StudyDirectory, StudyFile.FileName))}[/]"));
        if (o.Best is { } b)
        {
            console.MarkupLine($"best: trial [bold]{b.Number}[/] {Markup.Escape(o.State.Metric)} [green]{b.Value:F4}[/]" +
                (b.Readable.TryGetValue("@test_accuracy", out var test) ? $", test accuracy {Markup.Escape(test)}" : "") + $"  {Markup.Escape(Params(b))}");
            if (b.RunId is not null) console.MarkupLine($"run [bold]{b.RunId}[/], model [bold]{Markup.Escape(b.ModelDirectory ?? "-")}[/]");
        }
        if (o.Registered is { } r) console.MarkupLine($"registered as [bold]{Markup.Escape(r)}[/]");
    }

    public static void WriteJson(TuneOutcome o) => JsonOut.Write(new
    {
        study = o.State.Name,
        directory = o.StudyDirectory,
        stop = o.Stop.ToString().ToLowerInvariant(),
        sampler = o.State.Sampler,
        metric = o.State.Metric,
        epochs_spent = o.EpochsSpent,
        elapsed_seconds = o.State.ElapsedSeconds,
        best = o.Best?.Number,
        best_value = o.Best?.Value,
        registered = o.Registered,
        worker = o.SharedAs,
        trials = o.State.Trials.Select(t => new
        {
            number = t.Number,
            status = t.Status.ToString().ToLowerInvariant(),
            epochs = t.LastEpoch,
            value = t.Value,
            reports = t.Reports.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
            parameters = t.Readable.Where(kv => !kv.Key.StartsWith('@')).ToDictionary(kv => kv.Key, kv => kv.Value),
            metrics = t.Readable.Where(kv => kv.Key.StartsWith('@')).ToDictionary(kv => kv.Key[1..], kv => double.Parse(kv.Value, CultureInfo.InvariantCulture)),
            run_id = t.RunId,
            restarts = t.Restarts,
            worker = t.Worker,
            message = t.Message,
        }),
    });

    private static Table Table(StudyState state)
    {
        var names = state.Trials.SelectMany(t => t.Readable.Keys).Where(k => !k.StartsWith('@')).Distinct().ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("trial", "status", "epochs", state.Metric);
        foreach (var n in names) table.AddColumn(Markup.Escape(n));
        var best = TuningStudy.BestOf(state);
        foreach (var t in state.Trials)
        {
            var cells = new List<string> { t.Number == best?.Number ? $"[green]{t.Number}*[/]" : $"{t.Number}", Status(t), $"{t.LastEpoch}/{state.MaxEpochs}", Value(t) };
            cells.AddRange(names.Select(n => Markup.Escape(t.Readable.GetValueOrDefault(n, "-"))));
            table.AddRow([.. cells]);
        }
        table.Caption($"{state.Trials.Count(t => t.IsFinished)}/{state.TrialCount} finished, {state.EpochsSpent} epochs, {state.ElapsedSeconds:F0} s");
        return table;
    }

    private static string Status(TrialRecord t) => t.Status switch
    {
        TrialStatus.Running => "running",
        TrialStatus.Completed => "completed",
        TrialStatus.Pruned => "stopped",
        TrialStatus.Paused => "waiting",
        _ => "failed",
    };

    private static string Value(TrialRecord t) =>
        (t.Value ?? (t.Reports.Count > 0 ? t.Reports[t.LastEpoch] : null)) is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private static string Params(TrialRecord t) => string.Join(" ", t.Readable.Where(kv => !kv.Key.StartsWith('@')).Select(kv => $"{kv.Key}={kv.Value}"));
}
