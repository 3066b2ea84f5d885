using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Cli.Rendering;
using Lepton.Factory.Recipes;
using Lepton.Factory.Recipes.Running;
using Lepton.Factory.Recipes.Steps;
using Lepton.Registry;
using Lepton.Registry.Store;
using Lepton.Training.Callbacks;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton run</c>: a whole factory recipe (lepton.yaml) step by step, resuming where the last run stopped.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var recipePath = new Argument<string?>("recipe") { Description = "The recipe file (default: ./lepton.yaml).", Arity = ArgumentArity.ZeroOrOne };
        var from = new Option<string?>("--from") { Description = "Run again from this step, even when it is done: data, train, gate, register or promote." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print which steps would run or be skipped, and why; change nothing." };
        var check = new Option<bool>("--check") { Description = "Only validate the recipe (errors name the line, column and allowed values)." };
        var serve = new Option<bool>("--serve")
        {
            Description = "After the steps, keep serving (serve: and monitoring: sections, dashboard at /) and run the loop on alerts or its schedule, until Ctrl+C.",
        };
        var store = RegistryOptions.Store();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("run", "Run a factory recipe: record the data, train, gate, register and promote, resuming after an interruption " +
                                     "without redoing finished steps; with --serve, then serve, monitor and retrain in the same process.\n\n" +
                                     "Example:\n  lepton run examples/fashion/lepton.yaml\n  lepton run --serve\n  lepton run --dry-run\n  lepton run --from train");
        cmd.Arguments.Add(recipePath);
        foreach (var o in new Option[] { from, dryRun, check, serve, store, threads, json })
            cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var recipe = RecipeLoader.Load(p.GetValue(recipePath) ?? RecipeLoader.DefaultFileName);
            bool asJson = p.GetValue(json);
            if (p.GetValue(check)) return Check(recipe, asJson);
            // The flag wins, then LEPTON_STORE, then the recipe's own store: key.
            string? storeSetting = p.GetValue(store)
                                   ?? (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(RegistryStoreFactory.StoreVariable)) ? recipe.Store : null);
            await using var registry = await ModelRegistry.OpenAsync(storeSetting, ct);
            var runner = new RecipeRunner(RecipeSteps.For(recipe));
            if (p.GetValue(dryRun)) return await DryRun(runner, recipe, registry.Store, p.GetValue(from), asJson, ct);
            int code = await Run(runner, recipe, registry, p.GetValue(from), asJson, ct);
            return code == 0 && p.GetValue(serve) ? await Hosting.RecipeService.RunAsync(recipe, registry, ct) : code;
        }));
        return cmd;
    }

    private static int Check(Recipe recipe, bool json)
    {
        if (json)
        {
            JsonOut.Write(new { Valid = true, Recipe = recipe.Name, recipe.Source });
            return 0;
        }
        string training = recipe.Data.IsTable ? $"table learner {recipe.Model.Reference}" : $"model {recipe.Model.Reference}, {recipe.Training.Epochs} epoch(s)";
        AnsiConsole.MarkupLine($"[green]{Markup.Escape(recipe.Source)} is valid[/]: recipe [bold]{Markup.Escape(recipe.Name)}[/], {Markup.Escape(training)}, " +
                               $"{recipe.Monitoring.Rules.Count} alert rule(s), loop trigger {recipe.Loop.Trigger.ToString().ToLowerInvariant()}.");
        return 0;
    }

    private static async Task<int> DryRun(RecipeRunner runner, Recipe recipe, IRegistryStore store, string? from, bool json, CancellationToken ct)
    {
        var plan = await runner.PlanAsync(recipe, store, from, ct);
        if (json)
        {
            JsonOut.Write(new { plan.Recipe, Steps = plan.Steps.Select(s => new { s.Step, Action = s.Action.ToString().ToLowerInvariant(), s.Reason }) });
            return 0;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"lepton run {Markup.Escape(recipe.Name)} --dry-run").AddColumns("step", "would", "why");
        foreach (var s in plan.Steps)
            table.AddRow(s.Step, s.Action == StepAction.Run ? "[yellow]run[/]" : "[grey]skip[/]", Markup.Escape(s.Reason));
        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task<int> Run(RecipeRunner runner, Recipe recipe, ModelRegistry registry, string? from, bool json, CancellationToken ct)
    {
        using var progress = new ProgressBar(interactive: json ? false : null, plainOutput: json ? TextWriter.Null : null);
        var context = new RecipeContext(recipe, registry, Path.Combine(CommonOptions.Home, "recipes", recipe.Name), RegistryOptions.Actor)
        {
            TrainingCallbacks = [progress],
            Log = json ? _ => { } : line => AnsiConsole.MarkupLine($"  {Markup.Escape(line)}"),
        };
        var result = await runner.RunAsync(context, from, json ? null : new ConsoleObserver(), ct);
        if (json) WriteJson(result);
        else WriteTable(result);
        if (result.Cancelled)
        {
            Console.Error.WriteLine($"lepton run: stopped during {result.Stopped!.Step}; lepton run resumes there.");
            return CommandRunner.ExitCancelled;
        }
        if (result.Stopped is { } failed)
        {
            Console.Error.WriteLine($"lepton: error: step {failed.Step} failed: {failed.Detail}");
            if (Environment.GetEnvironmentVariable("LEPTON_DEBUG") == "1" && failed.Error is not RecipeStepFailedException) Console.Error.WriteLine(failed.Error);
            return CommandRunner.ExitError;
        }
        return 0;
    }

    private static void WriteTable(RecipeRunResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"lepton run {Markup.Escape(result.Recipe)}").AddColumns("step", "result", "time", "outputs");
        foreach (var s in result.Steps)
        {
            string outcome = s.Outcome switch
            {
                StepOutcome.Completed => "[green]done[/]",
                StepOutcome.Skipped => "[grey]skipped[/]",
                StepOutcome.Failed => "[red]failed[/]",
                StepOutcome.Cancelled => "[yellow]stopped[/]",
                _ => "[grey]not reached[/]",
            };
            string detail = s.Outcome is StepOutcome.Completed or StepOutcome.Skipped ? Summary(s.Outputs) : s.Detail;
            table.AddRow(s.Step, outcome, s.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s", Markup.Escape(detail));
        }
        AnsiConsole.Write(table);
    }

    private static string Summary(JsonObject outputs) =>
        string.Join(", ", outputs.Where(kv => kv.Key is not "model_dir" and not "content_hash").Select(kv => $"{kv.Key} {Format(kv.Value)}"));

    private static string Format(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<double>(out var d) && d % 1 != 0 ? Data.NumberText.Value(d) : value?.ToString() ?? "-";

    private static void WriteJson(RecipeRunResult result) => JsonOut.Write(new
    {
        result.Recipe,
        result.Succeeded,
        Steps = result.Steps.Select(s => new
        {
            s.Step,
            Outcome = s.Outcome.ToString().ToLowerInvariant(),
            Seconds = Math.Round(s.Duration.TotalSeconds, 3),
            s.Detail,
            Outputs = s.Outputs,
        }),
    });

    /// <summary>One rule per step and a line saying how it ended.</summary>
    private sealed class ConsoleObserver : IRecipeRunObserver
    {
        public void StepStarting(StepPlan step)
        {
            AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(step.Step)}[/]").LeftJustified());
            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(step.Reason)}[/]");
        }

        public void StepFinished(StepPlan step, StepResult result)
        {
            if (result.Outcome == StepOutcome.Skipped)
            {
                AnsiConsole.Write(new Rule($"[grey]{Markup.Escape(step.Step)}[/]").LeftJustified());
                AnsiConsole.MarkupLine($"  [grey]skipped ({Markup.Escape(result.Detail)})[/]");
                return;
            }
            string seconds = result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            AnsiConsole.MarkupLine(result.Outcome switch
            {
                StepOutcome.Completed => $"  [green]done[/] in {seconds} s",
                StepOutcome.Cancelled => $"  [yellow]stopped[/] after {seconds} s; lepton run starts here again",
                _ => $"  [red]failed[/]: {Markup.Escape(result.Detail)}",
            });
        }
    }
}
