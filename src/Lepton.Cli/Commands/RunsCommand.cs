using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton runs list|show|compare</c>: training runs recorded in the registry.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var cmd = new Command("runs", "Training runs recorded in the registry.");
        cmd.Subcommands.Add(List());
        cmd.Subcommands.Add(Show());
        cmd.Subcommands.Add(Compare());
        return cmd;
    }

    private static Command List()
    {
        var limit = new Option<int>("--limit") { Description = "Most recent runs to show.", DefaultValueFactory = _ => 20 };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("list", "List recent runs.\n\nExample:\n  lepton runs list --limit 10");
        foreach (var o in new Option[] { limit, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            var runs = await s.ListRunsAsync(p.GetValue(limit), ct);
            if (p.GetValue(json)) { JsonOut.Write(runs); return 0; }
            var t = new Table().Border(TableBorder.Rounded).AddColumns("id", "name", "status", "started (UTC)", "duration", "dataset", "seed");
            foreach (var r in runs)
                t.AddRow(r.Id, Markup.Escape(r.Name), Status(r.Status), $"{r.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}",
                    r.EndedAt is { } e ? $"{(e - r.StartedAt).TotalSeconds:F0}s" : "-", Markup.Escape(r.DatasetRef ?? "-"), r.Seed?.ToString() ?? "-");
            AnsiConsole.Console.Write(t);
            return 0;
        }));
        return cmd;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Run id (from lepton runs list), or any unique start of it." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("show", "Show a run: parameters, metrics per epoch and log.\n\nExample:\n  lepton runs show 3f2a9c");
        cmd.Arguments.Add(id);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            var run = await RunReference.ResolveAsync(s, p.GetValue(id)!, ct);
            var metrics = await s.GetRunMetricsAsync(run.Id, ct);
            var log = await s.GetRunLogAsync(run.Id, ct);
            if (p.GetValue(json)) { JsonOut.Write(new { run, metrics, log }); return 0; }
            var c = AnsiConsole.Console;
            c.MarkupLine($"[bold]run {run.Id}[/] {Markup.Escape(run.Name)}: {Status(run.Status)}" + (run.Error is { } err ? $" ([red]{Markup.Escape(err)}[/])" : ""));
            c.MarkupLine($"host {Markup.Escape(run.Host)}, code {Markup.Escape(run.CodeVersion ?? "-")}, dataset {Markup.Escape(run.DatasetRef ?? "-")}, seed {run.Seed?.ToString() ?? "-"}");
            c.MarkupLine($"parameters: [grey]{Markup.Escape(run.ParametersJson)}[/]");
            c.Write(MetricTable(metrics));
            if (log.Length > 0) c.Write(new Panel(Markup.Escape(log.TrimEnd())).Header("log"));
            return 0;
        }));
        return cmd;
    }

    private static Command Compare()
    {
        var ids = new Argument<string[]>("ids") { Description = "Two or more run ids (or unique starts of them).", Arity = new ArgumentArity(2, 20) };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("compare", "Compare runs side by side: last value of each metric and the parameters.\n\nExample:\n  lepton runs compare 3f2a9c 8b1d07");
        cmd.Arguments.Add(ids);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            var rows = new List<(RunRecord Run, Dictionary<string, double> Last)>();
            foreach (var id in p.GetValue(ids)!)
            {
                var run = await RunReference.ResolveAsync(s, id, ct);
                var last = (await s.GetRunMetricsAsync(run.Id, ct)).GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Step).Last().Value);
                rows.Add((run, last));
            }
            if (p.GetValue(json)) { JsonOut.Write(rows.Select(r => new { run = r.Run, last_metrics = r.Last })); return 0; }
            var t = new Table().Border(TableBorder.Rounded).AddColumn("");
            foreach (var (run, _) in rows) t.AddColumn(new TableColumn($"{run.Id}\n{Markup.Escape(run.Name)}").RightAligned());
            t.AddRow(new[] { "status" }.Concat(rows.Select(r => Status(r.Run.Status))).ToArray());
            foreach (var key in rows.SelectMany(r => r.Last.Keys).Distinct().Order())
                t.AddRow(new[] { key }.Concat(rows.Select(r => r.Last.TryGetValue(key, out var v) ? $"{v:G5}" : "-")).ToArray());
            t.AddRow(new[] { "parameters" }.Concat(rows.Select(r => Markup.Escape(r.Run.ParametersJson))).ToArray());
            AnsiConsole.Console.Write(t);
            return 0;
        }));
        return cmd;
    }

    internal static Table MetricTable(IReadOnlyList<RunMetric> metrics)
    {
        var keys = metrics.Select(m => m.Key).Distinct().ToList();
        var t = new Table().Border(TableBorder.Rounded).AddColumn("step");
        foreach (var k in keys) t.AddColumn(new TableColumn(k).RightAligned());
        foreach (var step in metrics.GroupBy(m => m.Step).OrderBy(g => g.Key))
        {
            var byKey = step.ToDictionary(m => m.Key, m => m.Value);
            t.AddRow(new[] { step.Key.ToString() }.Concat(keys.Select(k => byKey.TryGetValue(k, out var v) ? $"{v:G5}" : "")).ToArray());
        }
        return t;
    }

    private static string Status(RunStatus s) => s switch
    {
        RunStatus.Completed => "[green]completed[/]",
        RunStatus.Running => "[blue]running[/]",
        RunStatus.Cancelled => "[yellow]cancelled[/]",
        _ => "[red]failed[/]",
    };
}
