namespace Lepton.Factory.Recipes;

/// <summary>
/// A parsed <c>lepton.yaml</c>: the factory for one model name, from its data source to the loop policy.
/// Every optional section holds its defaults, so a recipe of just <c>name: fashion</c> is complete.
/// </summary>
public sealed record Recipe(
    string Name,
    string? Store,
    RecipeData Data,
    RecipeModel Model,
    RecipeTraining Training,
    RecipeGates Gates,
    RecipeServe Serve,
    RecipeMonitoring Monitoring,
    RecipeLoop Loop)
{
    /// <summary>Where the recipe came from (a file path or a name given to <see cref="RecipeLoader.Parse"/>), for messages.</summary>
    public string Source { get; init; } = "lepton.yaml";

    /// <summary>The section names of a recipe, in file order; step input hashes name these.</summary>
    public static IReadOnlyList<string> SectionNames { get; } = ["name", "store", "data", "model", "training", "gates", "serve", "monitoring", "loop"];
}
