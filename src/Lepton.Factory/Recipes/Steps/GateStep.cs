using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;

namespace Lepton.Factory.Recipes.Steps;

/// <summary><c>gate</c>: the trained (or best tuned) model's test accuracy must reach <c>gates.min_accuracy</c>, or the run stops before registering it.</summary>
public sealed class GateStep : IRecipeStep
{
    public string Name => "gate";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "gates");

    public Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        double accuracy = context.Trained()["test_accuracy"]?.GetValue<double>()
                          ?? throw new InvalidOperationException("The train (or tune) step recorded no test_accuracy; run lepton run --from train.");
        double? floor = context.Recipe.Gates.MinAccuracy;
        if (floor is { } min && accuracy < min)
            throw new RecipeStepFailedException(
                $"gate failed: test accuracy {Percent(accuracy)} is below gates.min_accuracy {Percent(min)}; the model is not registered. " +
                "Train longer or differently (the training section), or lower the gate, then lepton run again.");
        context.Log(floor is { } f
            ? $"test accuracy {Percent(accuracy)} >= min_accuracy {Percent(f)}: passed"
            : $"test accuracy {Percent(accuracy)}; no min_accuracy set: passed");
        return Task.FromResult(new JsonObject { ["test_accuracy"] = accuracy, ["min_accuracy"] = floor, ["passed"] = true });
    }

    private static string Percent(double v) => (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
