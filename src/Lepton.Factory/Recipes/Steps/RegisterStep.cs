using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;

namespace Lepton.Factory.Recipes.Steps;

/// <summary><c>register</c>: adds the trained (or compressed, calibrated, given prediction sets) folder as the next version of the recipe's model, linked to its run and dataset version.</summary>
public sealed class RegisterStep : IRecipeStep
{
    public string Name => "register";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "name", "compress", "calibrate", "intervals");

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var train = context.Trained();
        string folder = context.Final()["model_dir"]!.GetValue<string>();
        string name = context.Recipe.Name;
        var version = await context.Registry.RegisterAsync(name, folder, train["run_id"]?.GetValue<string>(), train["dataset_ref"]?.GetValue<string>(),
            context.Actor, ct);
        context.Log($"registered {name}@{version.Version} (run {version.RunId}, dataset {version.DatasetRef})");
        return new JsonObject { ["model"] = name, ["version"] = version.Version, ["reference"] = $"{name}@{version.Version}" };
    }
}
