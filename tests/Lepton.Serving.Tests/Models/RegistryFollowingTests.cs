using System.Diagnostics;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Serving.Models;

namespace Lepton.Serving.Tests.Models;

public sealed class RegistryFollowingTests : IDisposable
{
    private readonly TestModelFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public async Task PromoteAndRollbackInARealRegistryTakeEffectWithinSeconds()
    {
        var home = Path.Combine(_folders.Root, "home");
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(home, "registry.db")}");
        await using var registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(home, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(home, "cache")));
        await registry.RegisterAsync("fashion", _folders.Marked(1), null, null, "test");
        await registry.RegisterAsync("fashion", _folders.Marked(2), null, null, "test");
        await registry.PromoteAsync("fashion", 1, "production", "test");
        await using var manager = new ModelManager(registry, new ModelManagerOptions(AliasPollInterval: TimeSpan.FromMilliseconds(50)));

        await manager.LoadAsync(new ModelServeOptions("fashion@production"));
        Assert.Equal(1f, await MarkOf(manager));

        var clock = Stopwatch.StartNew();
        await registry.PromoteAsync("fashion", 2, "production", "test");
        await ModelManagerTests.WaitUntil(() => manager.IsReady("fashion", 2) && !manager.IsReady("fashion", 1));
        Assert.Equal(2f, await MarkOf(manager));

        await registry.RollbackAsync("fashion", "production", "test");
        await ModelManagerTests.WaitUntil(() => manager.IsReady("fashion", 1) && !manager.IsReady("fashion", 2));
        Assert.Equal(1f, await MarkOf(manager));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"promote and rollback took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Null(Assert.Single(manager.Status()).LastError);
    }

    private static async Task<float> MarkOf(ModelManager manager)
    {
        using var lease = manager.Acquire("fashion");
        return (await lease.InferAsync(TestModelFolders.Inputs(1, 1))).ToArray()[0];
    }
}
