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
    /// <summary>The optional search that replaces the single training run; null trains once with <see cref="Training"/>.</summary>
    public RecipeTune? Tune { get; init; }

    /// <summary>The optional compression after the gate; null registers the trained model as it is.</summary>
    public RecipeCompress? Compress { get; init; }

    /// <summary>The optional calibration of a network's probabilities before it is registered; null registers them as trained.</summary>
    public RecipeCalibrate? Calibrate { get; init; }

    /// <summary>The optional conformal prediction sets of a network, fitted before it is registered; null registers it without.</summary>
    public RecipeIntervals? Intervals { get; init; }

    /// <summary>The optional export of the registered model; null writes no other format.</summary>
    public RecipeExport? Export { get; init; }

    /// <summary>Where the recipe came from (a file path or a name given to <see cref="RecipeLoader.Parse"/>), for messages.</summary>
    public string Source { get; init; } = "lepton.yaml";

    /// <summary>The section names of a recipe, in file order; step input hashes name these.</summary>
    public static IReadOnlyList<string> SectionNames { get; } = ["name", "store", "data", "model", "training", "tune", "gates", "compress", "calibrate", "intervals", "serve", "monitoring", "loop", "export"];
}
