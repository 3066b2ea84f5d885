using System.Text.Json.Nodes;
using Lepton.Factory.Recipes;
using Lepton.Factory.Recipes.Running;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;

namespace Lepton.Factory.Tests.Recipes;

/// <summary>A step that records its runs and outputs a counter; it can be told to fail or to wait for Ctrl+C.</summary>
internal sealed class FakeStep(string name, params string[] sections) : IRecipeStep
{
    public string Name => name;

    public int Runs { get; private set; }

    public Func<RecipeContext, Exception?>? Fail { get; set; }

    public bool CancelWhenRun { get; set; }

    public CancellationTokenSource? Cancel { get; set; }

    public List<JsonObject?> SeenBefore { get; } = [];

    public string? ReadsFrom { get; init; }

    public string InputHash(Recipe recipe) => RecipeHash.Of(recipe, sections);

    public Task<JsonObject> RunAsync(RecipeContext context, CancellationToken ct)
    {
        Runs++;
        if (ReadsFrom is not null) SeenBefore.Add(context.Outputs(ReadsFrom));
        if (Fail?.Invoke(context) is { } error) throw error;
        if (CancelWhenRun)
        {
            Cancel!.Cancel();
            ct.ThrowIfCancellationRequested();
        }
        return Task.FromResult(new JsonObject { ["step"] = name, ["run"] = Runs });
    }
}
