using System.CommandLine;
using System.Globalization;
using Lepton.Cli.Labeling;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using Lepton.Registry.Labeling;
using Lepton.Runtime;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton label NAME[@V]</c>: the labeling queue of an image data set (unlabelled items and unsure served predictions, most
/// uncertain first), <c>--set PATH=LABEL</c> to store labels, <c>--commit</c> to record a new version with them applied.
/// </summary>
public static class LabelCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "Image data set, NAME or NAME@V (default: the latest version)." };
        var model = new Option<string?>("--model") { Description = "A classifier (name, name@V, name@alias or folder) that ranks unlabelled items by its uncertainty; only its served predictions join the queue." };
        var list = new Option<bool>("--list") { Description = "List the queue (the default when nothing else is asked)." };
        var set = new Option<string[]>("--set") { Description = "Store a label: PATH=LABEL, PATH as the data set lists it (repeatable).", AllowMultipleArgumentsPerToken = false };
        var commit = new Option<bool>("--commit") { Description = "Record a new version of the data set with every stored label applied, linked to its parent." };
        var limit = new Option<int>("--limit") { Description = "Most queue entries to print.", DefaultValueFactory = _ => 20 };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("label", "The labeling queue of an image data set: unlabelled images and unsure served predictions, most uncertain first; "
                                       + "each label is stored at once.\n\nExamples:\n  lepton label defects\n  lepton label defects@2 --set unlabeled/img_0042.jpg=scratch\n"
                                       + "  lepton label defects --commit\n  lepton serve MODEL --label defects   (the same queue at /label, with keyboard shortcuts)");
        cmd.Arguments.Add(dataset);
        foreach (var o in new Option[] { model, list, set, commit, limit, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var (name, version) = Parse(p.GetValue(dataset)!);
            int shown = p.GetValue(limit);
            if (shown < 1) throw new ArgumentException($"--limit must be 1 or more, got {shown}.");
            var labels = (p.GetValue(set) ?? []).Select(ParseSet).ToList();
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            using var datasets = LabelingDatasets.Open(registry.Store, registry.Artifacts);
            var service = new LabelingService(registry.Store, datasets);
            var stored = new List<LabelResult>();
            foreach (var (path, label) in labels) stored.Add(await service.LabelPathAsync(name, version, path, label, RegistryOptions.Actor, ct));
            LabelCommit? committed = p.GetValue(commit) ? await service.CommitAsync(name, version, RegistryOptions.Actor, ct) : null;
            bool listing = p.GetValue(list) || (labels.Count == 0 && committed is null);
            LabelQueue? queue = null;
            if (listing && p.GetValue(model) is { } reference)
            {
                // The model ranks the items; its registered name filters the served predictions (a folder's predictions name the folder).
                var resolved = await ModelResolution.ResolveAsync(reference, p.GetValue(store), ct);
                using var predictor = PredictorLoader.Default.Load(resolved.Folder);
                var data = await datasets.LoadAsync(name, version, ct);
                queue = await service.QueueAsync(name, version, resolved.Version?.Model ?? reference, new PredictorItemScorer(predictor, data.Manifest.Pixels), ct);
            }
            else if (listing) queue = await service.QueueAsync(name, version, null, null, ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    labelled = stored.Select(s => new { path = s.Task.Path, label = s.Label, outcome = s.Outcome.ToString().ToLowerInvariant() }),
                    commit = committed,
                    queue = queue is null ? null : new { queue.Dataset, queue.Version, queue.Classes, queue.Labelled, queue.Items, remaining = queue.Tasks.Count, tasks = queue.Tasks.Take(shown) },
                });
                return 0;
            }
            var c = AnsiConsole.Console;
            foreach (var s in stored)
                c.MarkupLine($"labelled [bold]{Markup.Escape(s.Task.Display)}[/] -> [green]{Markup.Escape(s.Label)}[/] ({s.Outcome.ToString().ToLowerInvariant()})");
            if (committed is not null)
                c.MarkupLine(committed.Version is { } v
                    ? $"recorded [bold]{Markup.Escape(committed.Dataset)}@{v}[/] from @{committed.Parent}: {committed.Labelled.Count} newly labelled, {committed.Relabelled.Count} relabelled"
                    : $"{Markup.Escape(committed.Dataset)}@{committed.Parent} already holds every stored label; no new version recorded");
            if (queue is not null) PrintQueue(queue, shown);
            return 0;
        }));
        return cmd;
    }

    private static void PrintQueue(LabelQueue queue, int shown)
    {
        var c = AnsiConsole.Console;
        c.MarkupLine($"[bold]{Markup.Escape(queue.Dataset)}@{queue.Version}[/]: {queue.Tasks.Count} to label, {queue.Labelled} labels stored, {queue.Items} items; "
                     + $"classes {Markup.Escape(string.Join(", ", queue.Classes))}");
        if (queue.Tasks.Count == 0)
        {
            c.MarkupLine("nothing left to label.");
            return;
        }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("#", "item", "uncertainty", "model guesses");
        foreach (var (task, i) in queue.Tasks.Take(shown).Select((task, i) => (task, i)))
            t.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(task.Display),
                task.Uncertainty is { } u ? u.ToString("0.000", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(string.Join(", ", task.Guesses.Select(g => $"{g.Label} {g.Probability:P0}"))));
        c.Write(t);
        if (queue.Tasks.Count > shown) c.MarkupLine($"[grey]... {queue.Tasks.Count - shown} more (--limit)[/]");
        c.MarkupLine($"[grey]label with lepton label {Markup.Escape(queue.Dataset)} --set PATH=LABEL, or on the /label page of lepton serve --label {Markup.Escape(queue.Dataset)}[/]");
    }

    internal static (string Name, int? Version) Parse(string text)
    {
        int at = text.LastIndexOf('@');
        if (at < 0) return (text, null);
        return at > 0 && int.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1
            ? (text[..at], v)
            : throw new ArgumentException($"'{text}' is not NAME or NAME@V with a version of 1 or more, e.g. defects@2.");
    }

    internal static (string Path, string Label) ParseSet(string text)
    {
        int eq = text.LastIndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
            throw new ArgumentException($"--set '{text}' is not PATH=LABEL, e.g. --set unlabeled/img_0042.jpg=scratch.");
        return (text[..eq], text[(eq + 1)..]);
    }
}
