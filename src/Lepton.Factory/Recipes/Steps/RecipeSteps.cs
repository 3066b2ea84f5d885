using Lepton.Factory.Recipes.Running;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>The steps of <c>lepton run</c> in order; long-running ones (serve, monitor, loop) are appended by their owners.</summary>
public static class RecipeSteps
{
    public static IReadOnlyList<IRecipeStep> Default() => [new DataStep(), new TrainStep(), new GateStep(), new RegisterStep(), new PromoteStep()];

    /// <summary>
    /// The steps <paramref name="recipe"/> asks for: <c>tune</c> in place of <c>train</c> when it has a <c>tune:</c> section,
    /// <c>compress</c> after the gate with <c>compress:</c>, then <c>calibrate</c> with <c>calibrate:</c>, <c>intervals</c> with <c>intervals:</c>,
    /// <c>export</c> last with <c>export:</c>.
    /// </summary>
    public static IReadOnlyList<IRecipeStep> For(Recipe recipe)
    {
        var steps = new List<IRecipeStep> { new DataStep(), recipe.Tune is null ? new TrainStep() : new TuneStep(), new GateStep() };
        if (recipe.Compress is not null) steps.Add(new CompressStep());
        if (recipe.Calibrate is not null) steps.Add(new CalibrateStep());
        if (recipe.Intervals is not null) steps.Add(new IntervalsStep());
        steps.Add(new RegisterStep());
        steps.Add(new PromoteStep());
        if (recipe.Export is { Onnx: true }) steps.Add(new ExportStep());
        return steps;
    }
}
