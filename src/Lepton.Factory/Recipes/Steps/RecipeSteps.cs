using Lepton.Factory.Recipes.Running;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>The steps of <c>lepton run</c> in order; long-running ones (serve, monitor, loop) are appended by their owners.</summary>
public static class RecipeSteps
{
    public static IReadOnlyList<IRecipeStep> Default() => [new DataStep(), new TrainStep(), new GateStep(), new RegisterStep(), new PromoteStep()];
}
