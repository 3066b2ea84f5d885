using System.Text.Json.Nodes;

namespace Lepton.Factory.Recipes.Running;

/// <summary>How a step ended in this run.</summary>
public enum StepOutcome
{
    Skipped,
    Completed,
    Failed,
    Cancelled,
    NotReached,
}

/// <summary>
/// One step's result: its outcome, outputs (reused ones for a skipped step), time taken, the plan's reason or the error
/// message, and the exception behind a failure.
/// </summary>
public sealed record StepResult(string Step, StepOutcome Outcome, JsonObject Outputs, TimeSpan Duration, string Detail, Exception? Error = null);

/// <summary>The results of a run in step order; <see cref="Succeeded"/> when no step failed or was cancelled.</summary>
public sealed record RecipeRunResult(string Recipe, IReadOnlyList<StepResult> Steps)
{
    public bool Succeeded => Steps.All(s => s.Outcome is StepOutcome.Completed or StepOutcome.Skipped);

    public bool Cancelled => Steps.Any(s => s.Outcome == StepOutcome.Cancelled);

    /// <summary>The step that failed or was cancelled, if any.</summary>
    public StepResult? Stopped => Steps.FirstOrDefault(s => s.Outcome is StepOutcome.Failed or StepOutcome.Cancelled);
}

/// <summary>Hears about each step as the run goes, so a front end can print it (a rule, the lines it logged, its outputs).</summary>
public interface IRecipeRunObserver
{
    void StepStarting(StepPlan step);

    void StepFinished(StepPlan step, StepResult result);
}
