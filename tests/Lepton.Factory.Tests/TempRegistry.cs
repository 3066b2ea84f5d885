using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;

namespace Lepton.Factory.Tests;

/// <summary>A fresh SQLite registry in a temporary folder.</summary>
public sealed class TempRegistry : IAsyncDisposable
{
    private TempRegistry(string root, ModelRegistry registry) => (Root, Registry) = (root, registry);

    public string Root { get; }

    public ModelRegistry Registry { get; }

    public static async Task<TempRegistry> CreateAsync(string prefix = "lepton-test-")
    {
        string root = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(root, "registry.db"));
        var registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(root, "artifacts"))),
            new Lepton.Registry.Packaging.ModelPackageOptions(CacheRoot: Path.Combine(root, "cache")));
        return new TempRegistry(root, registry);
    }

    public Lepton.Factory.Recipes.Running.RecipeContext Context(Lepton.Factory.Recipes.Recipe recipe) =>
        new(recipe, Registry, Path.Combine(Root, "recipes", recipe.Name), "test");

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
