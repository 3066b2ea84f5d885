using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>gate</c>: the trained (or best tuned) model's test accuracy must reach <c>gates.min_accuracy</c> (a regression table's
/// test RMSE stay within <c>gates.max_rmse</c>), or the run stops before registering it.
/// </summary>
public sealed class GateStep : IRecipeStep
{
    public string Name => "gate";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "gates");

    public Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        if (context.Trained()["test_rmse"]?.GetValue<double>() is { } rmse) return Task.FromResult(Regression(context, rmse));
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

    // A regression table: the test RMSE must stay at or below gates.max_rmse; an accuracy floor cannot judge it.
    private static JsonObject Regression(RecipeContext context, double rmse)
    {
        var gates = context.Recipe.Gates;
        if (gates.MinAccuracy is not null)
            throw new RecipeStepFailedException(
                $"gate failed: gates.min_accuracy judges classifiers, but this model predicts a number (test RMSE {Num(rmse)}); set gates.max_rmse instead, then lepton run again.");
        if (gates.MaxRmse is { } max && rmse > max)
            throw new RecipeStepFailedException(
                $"gate failed: test RMSE {Num(rmse)} is above gates.max_rmse {Num(max)}; the model is not registered. Train differently (model, training) or raise the gate, then lepton run again.");
        context.Log(gates.MaxRmse is { } m ? $"test RMSE {Num(rmse)} <= max_rmse {Num(m)}: passed" : $"test RMSE {Num(rmse)}; no max_rmse set: passed");
        return new JsonObject { ["test_rmse"] = rmse, ["max_rmse"] = gates.MaxRmse, ["passed"] = true };
    }

    private static string Num(double v) => Lepton.Data.NumberText.Value(v);

    private static string Percent(double v) => (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
