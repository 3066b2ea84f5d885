using System.Text.Json.Nodes;
using Lepton.Factory.Recipes.Running;

namespace Lepton.Factory.Recipes.Steps;

/// <summary>
/// <c>promote</c>: points <c>production</c> at the registered version; when production already serves another version
/// and the recipe has a canary, the new version goes to the canary alias (staging) instead, for the loop to judge.
/// </summary>
public sealed class PromoteStep : IRecipeStep
{
    public const string Production = "production";

    public string Name => "promote";

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, "serve.canary");

    public async Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        string name = context.Recipe.Name;
        int version = context.Outputs("register")["version"]!.GetValue<int>();
        var production = await context.Registry.Store.GetAliasAsync(name, Production, ct);
        string alias = production is not null && production.Version != version && context.Recipe.Serve.Canary is { } canary ? canary.Alias : Production;
        var moved = await context.Registry.PromoteAsync(name, version, alias, context.Actor, ct);
        context.Log(alias == Production
            ? $"{name}@{Production} -> version {moved.Version}{(production is null ? "" : $" (was {production.Version})")}"
            : $"{name}@{alias} -> version {moved.Version}; production stays on version {production!.Version} until the canary is judged");
        var outputs = new JsonObject { ["alias"] = alias, ["version"] = moved.Version };
        if (production is not null) outputs["previous_production"] = production.Version;
        return outputs;
    }
}
