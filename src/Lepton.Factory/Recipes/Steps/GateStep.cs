using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Reports;
using Lepton.Reports.Tables;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>gate</c>: the trained (or best tuned) model's test accuracy must reach <c>gates.min_accuracy</c> (a regression table's
/// test RMSE stay within <c>gates.max_rmse</c>), and a yes/no table model's decisions on the test rows keep
/// <c>gates.min_selection_ratio</c> and <c>gates.max_opportunity_difference</c> across the groups of <c>gates.groups</c>, or the run
/// stops before registering it.
/// </summary>
public sealed class GateStep : IRecipeStep
{
    public string Name => "gate";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "gates");

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        if (context.Trained()["test_rmse"]?.GetValue<double>() is { } rmse)
        {
            if (context.Recipe.Gates.Groups is not null)
                throw new RecipeStepFailedException($"gate failed: gates.groups judges a yes/no decision across groups, but this model predicts a number (test RMSE {Num(rmse)}); " +
                                                    "compare its errors with lepton eval --groups, and remove gates.groups.");
            return Regression(context, rmse);
        }
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
        var outputs = new JsonObject { ["test_accuracy"] = accuracy, ["min_accuracy"] = floor, ["passed"] = true };
        if (await GroupsAsync(context, ct) is { } groups) outputs["groups"] = groups;
        return outputs;
    }

    // The groups of gates.groups on the test rows, as lepton eval --groups compares them; a bound not kept (or a comparison that
    // cannot be made) stops the run.
    private static async Task<JsonArray?> GroupsAsync(RecipeContext context, CancellationToken ct)
    {
        if (context.Recipe.Gates.Groups is not { } gates) return null;
        string folder = context.Trained()["model_dir"]!.GetValue<string>();
        string dataRef = context.Outputs("data")["dataset_ref"]!.GetValue<string>();
        var version = await TableDatasets.LoadAsync(context.Registry.Store, context.Registry.Artifacts, DatasetReference.Parse(dataRef), ct);
        IReadOnlyList<Runtime.Tables.DecisionFairness> compared;
        try
        {
            compared = await TableFairness.DecisionsAsync(new ReportModel(context.Recipe.Name, folder), version, gates.Options, context.Registry.Store, ct);
        }
        catch (ArgumentException e)
        {
            throw new RecipeStepFailedException($"gate failed: {e.Message.Replace("--groups", "gates.groups").Replace("--favorable", "gates.favorable")}");
        }
        foreach (var d in compared)
        {
            context.Log(GroupFairnessView.Verdict(d));
            if (gates.Bounded && d.Judged.Count < 2)
                throw new RecipeStepFailedException($"gate failed: fewer than two groups of '{d.Column}' have {d.MinRows} test rows or more, so the gates cannot judge it; " +
                                                    "use a larger test split or remove the column from gates.groups.");
            if (gates.MinSelectionRatio is { } min && !(d.SelectionRatio >= min))
                throw new RecipeStepFailedException(
                    $"gate failed: by '{d.Column}' the selection ratio of '{d.Favorable}' is {Num(d.SelectionRatio)}, below gates.min_selection_ratio {Num(min)}; the model is not registered. " +
                    $"Keep the column out of training (training.exclude: {d.Column}), look for columns that stand in for it, or lower the gate, then lepton run again.");
            if (gates.MaxOpportunityDifference is { } max && !(d.OpportunityDifference <= max))
                throw new RecipeStepFailedException(
                    $"gate failed: by '{d.Column}' the true-positive rates differ by {Num(d.OpportunityDifference)}, above gates.max_opportunity_difference {Num(max)}; the model is not registered. " +
                    "Train differently (training.exclude, class weights, the threshold) or raise the gate, then lepton run again.");
        }
        return new JsonArray([.. compared.Select(d => (JsonNode)GroupFairnessView.Json(d))]);
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
