using Lepton.Cli.Commands;
using Lepton.Factory.Loop;
using Lepton.Factory.Recipes;
using Lepton.Registry;
using Lepton.Serving;
using Lepton.Serving.Batching;
using Lepton.Serving.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Lepton.Cli.Hosting;

/// <summary>
/// A recipe's long-running half in one process: the server for its <c>serve:</c> section with the alert monitor of its
/// <c>monitoring:</c> section, and the closed loop watching for alerts (or its schedule) per its <c>loop:</c> section.
/// </summary>
internal static class RecipeService
{
    public static async Task<int> RunAsync(Recipe recipe, ModelRegistry registry, CancellationToken ct)
    {
        var serve = recipe.Serve;
        var batching = new ModelServeOptions("-", serve.MaxBatchSize, serve.QueueDelay, Wait: BatchWaitNames.Parse(serve.BatchWait));
        var models = serve.Models.Select(reference => reference.Split('@')[0] == recipe.Name && serve.Canary is { } c
            ? batching with { Reference = reference, Canary = $"{recipe.Name}@{c.Alias}", CanaryFraction = c.Fraction }
            : batching with { Reference = reference }).ToList();
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
        var options = new ServerOptions { Host = serve.Host, Port = serve.Port };
        var monitoring = recipe.Monitoring.ToOptions();
        var host = await ServerHost.StartAsync(registry, options, models, batching, monitoring, loggers, ct);
        try
        {
            AnsiConsole.MarkupLine($"[green]serving[/] {Markup.Escape(string.Join(", ", serve.Models))} on [bold]{Markup.Escape(host.Url)}[/] " +
                                   $"(dashboard at /, API keys required: lepton keys create); {monitoring.Rules.Count} alert rule(s) every {monitoring.Interval.TotalSeconds:0} s");
            Task loop = Task.CompletedTask;
            if (recipe.Loop.Trigger != LoopTriggerKind.Manual)
            {
                var policy = recipe.ToLoopPolicy().Validate();
                loop = LoopCommand.WatchAsync(registry, new ClosedLoop(registry), policy, recipe.Schedule(), new LoopCommand.LineProgress(false), false, ct);
            }
            else AnsiConsole.MarkupLine("  loop trigger is manual: run lepton loop --recipe to retrain from feedback");
            await Task.WhenAny(host.App.WaitForShutdownAsync(ct), loop);
            if (loop.IsFaulted) await loop; // a failed loop stops the service with its error
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await host.DisposeAsync();
        }
        Console.Error.WriteLine("lepton run: stopped serving; in-flight requests finished and the prediction log is flushed.");
        return 0;
    }
}
