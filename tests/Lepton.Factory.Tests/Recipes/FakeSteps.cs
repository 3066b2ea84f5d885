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

/// <summary>A fresh SQLite registry in a temporary folder.</summary>
internal sealed class TempRegistry : IAsyncDisposable
{
    private TempRegistry(string root, ModelRegistry registry) => (Root, Registry) = (root, registry);

    public string Root { get; }

    public ModelRegistry Registry { get; }

    public static async Task<TempRegistry> CreateAsync()
    {
        string root = Path.Combine(Path.GetTempPath(), "lepton-recipe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(root, "registry.db"));
        var registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(root, "artifacts"))),
            new Lepton.Registry.Packaging.ModelPackageOptions(CacheRoot: Path.Combine(root, "cache")));
        return new TempRegistry(root, registry);
    }

    public RecipeContext Context(Recipe recipe) => new(recipe, Registry, Path.Combine(Root, "recipes", recipe.Name), "test");

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
