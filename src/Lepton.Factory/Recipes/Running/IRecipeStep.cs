using System.Text.Json.Nodes;

namespace Lepton.Factory.Recipes.Running;

/// <summary>
/// One step of a recipe run. <see cref="InputHash"/> fingerprints the parts of the recipe the step depends on: a
/// completed step whose hash is unchanged is skipped on the next run and its outputs reused.
/// </summary>
public interface IRecipeStep
{
    /// <summary>The step's name, as <c>--from</c> takes it and the store keys it (a plain word such as <c>train</c>).</summary>
    string Name { get; }

    /// <summary>A fingerprint of the recipe sections this step reads; <see cref="RecipeHash.Of"/> builds one that names them.</summary>
    string InputHash(Recipe recipe);

    /// <summary>Does the step's work and returns what later steps and later runs need (ids, versions, numbers).</summary>
    Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct);
}

/// <summary>A step's refusal to go on (e.g. a failed gate): the run stops, the step is recorded Failed with this message.</summary>
public sealed class RecipeStepFailedException(string message) : Exception(message);
