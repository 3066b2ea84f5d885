using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;
using Lepton.Registry.Datasets;

namespace Lepton.Factory.Recipes.Steps;

/// <summary><c>data</c>: records the data files the recipe names as a dataset version (the same files give the same version).</summary>
public sealed class DataStep : IRecipeStep
{
    public string Name => "data";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "data");

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        var data = context.Recipe.Data;
        var version = await DatasetVersions.RecordFashionMnistAsync(context.Registry.Store, data.Dir, context.Actor, ct);
        string reference = $"{version.Name}@{version.Version}";
        context.Log($"dataset {reference} ({version.ContentHash[..12]}){(version.ParentVersion is { } p ? $", parent version {p}" : "")}");
        return new JsonObject
        {
            ["dataset_ref"] = reference,
            ["dataset"] = version.Name,
            ["version"] = version.Version,
            ["content_hash"] = version.ContentHash,
        };
    }
}
