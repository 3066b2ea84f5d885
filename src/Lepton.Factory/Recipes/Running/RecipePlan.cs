namespace Lepton.Factory.Recipes.Running;

/// <summary>Whether a step runs or is skipped in this run.</summary>
public enum StepAction
{
    Run,
    Skip,
}

/// <summary>One step's place in a run: what happens to it and why, e.g. "the training section changed" or "done at ...".</summary>
public sealed record StepPlan(string Step, StepAction Action, string Reason, string InputHash, RecipeStepState? Previous);

/// <summary>What <c>lepton run</c> will do, step by step, before anything is done (<c>--dry-run</c> prints it).</summary>
public sealed record RecipePlan(string Recipe, IReadOnlyList<StepPlan> Steps);
