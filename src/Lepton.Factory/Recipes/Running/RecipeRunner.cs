using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Registry.Store;

namespace Lepton.Factory.Recipes.Running;

/// <summary>
/// Runs a recipe's steps in order, keeping each step's state in the store under the recipe's name: a step is recorded
/// Running, then Completed with its outputs and input hash (or Failed with its error). On the next run a completed step
/// whose inputs are unchanged is skipped and its outputs reused; the first step that runs (changed, never run, failed,
/// interrupted, or named by <c>--from</c>) makes every step after it run too. More steps can be appended to the list.
/// </summary>
public sealed class RecipeRunner
{
    public RecipeRunner(IReadOnlyList<IRecipeStep> steps)
    {
        var duplicate = steps.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Recipe step '{duplicate.Key}' appears twice; step names must be unique.");
        Steps = steps;
    }

    public IReadOnlyList<IRecipeStep> Steps { get; }

    /// <summary>Decides, without doing anything, which steps run and why.</summary>
    public async Task<RecipePlan> PlanAsync(Recipe recipe, IRegistryStore store, string? from = null, CancellationToken ct = default)
    {
        if (from is not null && Steps.All(s => s.Name != from))
            throw new ArgumentException($"--from {from}: no such step; the steps are {string.Join(", ", Steps.Select(s => s.Name))}.");
        var records = (await store.ListRecipeStepsAsync(recipe.Name, ct)).ToDictionary(r => r.Step, RecipeStepState.From, StringComparer.Ordinal);
        var plans = new List<StepPlan>();
        string? runningFrom = null;
        JsonObject? previousOutputs = null;
        string? previousName = null;
        foreach (var step in Steps)
        {
            string hash = EffectiveHash(step, recipe, previousName, previousOutputs);
            var previous = records.GetValueOrDefault(step.Name);
            string? reason = previous is null ? "not run before"
                : runningFrom is not null ? $"runs after {runningFrom}"
                : step.Name == from ? $"--from {from}"
                : previous.Status == RecipeStepStatus.Running ? $"interrupted (started at {When(previous.UpdatedAt)}); running it again"
                : previous.Status == RecipeStepStatus.Failed ? $"failed at {When(previous.UpdatedAt)} ({previous.Error}); trying again"
                : previous.InputHash != hash ? $"{Describe(RecipeHash.ChangedParts(previous.InputHash, hash))} changed since {When(previous.UpdatedAt)}"
                : null;
            if (reason is null)
            {
                plans.Add(new StepPlan(step.Name, StepAction.Skip, $"done at {When(previous!.UpdatedAt)}", hash, previous));
                previousOutputs = previous.Outputs;
            }
            else
            {
                plans.Add(new StepPlan(step.Name, StepAction.Run, reason, hash, previous));
                runningFrom ??= step.Name;
                previousOutputs = null;
            }
            previousName = step.Name;
        }
        return new RecipePlan(recipe.Name, plans);
    }

    /// <summary>Runs the plan; failures and Ctrl+C end the run with the step's state recorded (a cancelled step stays Running).</summary>
    public async Task<RecipeRunResult> RunAsync(RecipeContext context, string? from = null, IRecipeRunObserver? observer = null,
        CancellationToken ct = default)
    {
        var recipe = context.Recipe;
        var store = context.Registry.Store;
        var plan = await PlanAsync(recipe, store, from, ct);
        var results = new List<StepResult>();
        StepResult? stop = null;
        string? previousName = null;
        for (int i = 0; i < Steps.Count; i++)
        {
            var (step, p) = (Steps[i], plan.Steps[i]);
            StepResult result;
            if (stop is not null)
                result = new StepResult(step.Name, StepOutcome.NotReached, [], TimeSpan.Zero, $"not reached: {stop.Step} {Verb(stop.Outcome)}");
            else if (p.Action == StepAction.Skip)
            {
                context.SetOutputs(step.Name, p.Previous!.Outputs);
                result = new StepResult(step.Name, StepOutcome.Skipped, p.Previous.Outputs, TimeSpan.Zero, p.Reason);
            }
            else
            {
                observer?.StepStarting(p);
                // The hash stored is the one of the outputs the earlier step really produced in this run.
                string hash = EffectiveHash(step, recipe, previousName, previousName is null ? null : context.Outputs(previousName));
                result = await RunStepAsync(step, hash, context, ct);
                stop = result.Outcome is StepOutcome.Failed or StepOutcome.Cancelled ? result : null;
            }
            if (result.Outcome != StepOutcome.NotReached) observer?.StepFinished(p, result);
            results.Add(result);
            previousName = step.Name;
        }
        return new RecipeRunResult(recipe.Name, results);
    }

    private static async Task<StepResult> RunStepAsync(IRecipeStep step, string hash, RecipeContext context, CancellationToken ct)
    {
        var store = context.Registry.Store;
        string recipe = context.Recipe.Name;
        await store.SetRecipeStepAsync(recipe, step.Name, RecipeStepStatus.Running, RecipeStepState.ToJson(hash, null, null), ct);
        var clock = Stopwatch.StartNew();
        try
        {
            var outputs = await step.RunAsync(context, ct);
            await store.SetRecipeStepAsync(recipe, step.Name, RecipeStepStatus.Completed, RecipeStepState.ToJson(hash, outputs, null), CancellationToken.None);
            context.SetOutputs(step.Name, outputs);
            return new StepResult(step.Name, StepOutcome.Completed, outputs, clock.Elapsed, "done");
        }
        catch (OperationCanceledException ex) when (ct.IsCancellationRequested)
        {
            // Left Running on purpose: the next run sees an interrupted step and runs it again.
            return new StepResult(step.Name, StepOutcome.Cancelled, [], clock.Elapsed, "stopped; lepton run starts here again", ex);
        }
        catch (Exception ex)
        {
            await store.SetRecipeStepAsync(recipe, step.Name, RecipeStepStatus.Failed, RecipeStepState.ToJson(hash, null, ex.Message), CancellationToken.None);
            return new StepResult(step.Name, StepOutcome.Failed, [], clock.Elapsed, ex.Message, ex);
        }
    }

    /// <summary>The step's own hash plus the outputs of the step before it, so new upstream results make it run again.</summary>
    private static string EffectiveHash(IRecipeStep step, Recipe recipe, string? previousName, JsonObject? previousOutputs)
    {
        string own = step.InputHash(recipe);
        return previousName is null ? own : $"{own} {RecipeHash.Part($"{previousName}-outputs", previousOutputs?.ToJsonString() ?? "")}";
    }

    private static string Describe(IReadOnlyList<string> parts)
    {
        var names = parts.Select(p => p.EndsWith("-outputs", StringComparison.Ordinal) ? $"the outputs of {p[..^"-outputs".Length]}" : $"the {p} section").ToList();
        return names.Count == 0 ? "its inputs" : string.Join(" and ", names);
    }

    private static string Verb(StepOutcome outcome) => outcome == StepOutcome.Cancelled ? "was stopped" : "failed";

    private static string When(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
