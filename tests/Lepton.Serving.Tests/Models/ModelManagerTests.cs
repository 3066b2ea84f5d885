using Lepton.Runtime;
using Lepton.Serving.Batching;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Batching;

namespace Lepton.Serving.Tests.Models;

public sealed class ModelManagerTests : IDisposable
{
    private static readonly ModelManagerOptions Manual = new(AliasPollInterval: Timeout.InfiniteTimeSpan, DrainTimeout: TimeSpan.FromSeconds(10));
    private readonly TestModelFolders _folders = new();
    private readonly FakeRegistry _registry = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public async Task AModelIsReadyOnlyAfterItWarmedUp()
    {
        _registry.Add("tiny", 1, _folders.Marked(1));
        _registry.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var manager = new ModelManager(_registry.Resolver, Manual);

        var loading = manager.LoadAsync(new ModelServeOptions("tiny@1"));
        await WaitUntil(() => _registry.Resolves > 0);
        Assert.False(manager.IsReady("tiny"));
        var status = Assert.Single(manager.Status());
        Assert.Equal(ModelVersionState.Loading, Assert.Single(status.Versions).State);
        Assert.Contains("still loading", Assert.Throws<ModelNotReadyException>(() => manager.Acquire("tiny")).Message);

        _registry.Gate.SetResult();
        await loading;
        Assert.True(manager.IsReady("tiny"));
        Assert.True(manager.IsReady("tiny", 1));
        var ready = Assert.Single(Assert.Single(manager.Status()).Versions);
        Assert.Equal((ModelVersionState.Ready, true, 1), (ready.State, ready.IsPrimary, ready.Version));
    }

    [Fact]
    public async Task AModelThatFailsItsWarmUpNeverBecomesReady()
    {
        _registry.Add("odd", 1, _folders.InputMismatch());
        await using var manager = new ModelManager(_registry.Resolver, Manual);

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => manager.LoadAsync(new ModelServeOptions("odd@1")));

        Assert.Contains("warm-up", error.Message);
        Assert.DoesNotContain(_folders.Root, error.Message);
        Assert.False(manager.IsReady("odd"));
        var status = Assert.Single(manager.Status());
        Assert.Equal(ModelVersionState.Failed, Assert.Single(status.Versions).State);
        Assert.Contains("warm-up", status.LastError);
        Assert.Contains("failed to load", Assert.Throws<ModelNotReadyException>(() => manager.Acquire("odd")).Message);
    }

    [Fact]
    public async Task AFolderOfNoKnownPredictorKind_IsRefusedNamingTheMarkers_WithoutItsPath()
    {
        var folder = Path.Combine(_folders.Root, "trees");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "model.lgb.txt"), "tree");
        _registry.Add("trees", 1, folder);
        await using var manager = new ModelManager(_registry.Resolver, Manual);

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => manager.LoadAsync(new ModelServeOptions("trees@1")));

        Assert.Contains("no model of a known kind", error.Message);
        Assert.Contains("weights.safetensors (lepton)", error.Message);
        Assert.DoesNotContain(_folders.Root, error.Message);
        Assert.False(manager.IsReady("trees"));
    }

    [Fact]
    public async Task LeasesInferThroughTheBatcherAndValidateInputs()
    {
        var folder = _folders.Mlp(11);
        _registry.Add("mlp", 3, folder);
        await using var manager = new ModelManager(_registry.Resolver, Manual);
        await manager.LoadAsync(new ModelServeOptions("mlp@3", MaxBatchSize: 8));

        using var lease = manager.Acquire("mlp");
        Assert.Equal(("mlp", 3, "3"), (lease.Name, lease.Version, lease.VersionLabel));
        Assert.Equal(TestModelFolders.ExampleDims, lease.ExampleShape.ToArray());
        Assert.Equal(["a", "b", "c"], lease.ClassNames);
        var x = TestModelFolders.Inputs(5, 1);
        var logits = await lease.InferAsync(x);
        DynamicBatcherTests.AssertSame(Inference.Forward(TestModelFolders.LoadNetwork(folder), x).ToArray(), logits.ToArray());

        var wrong = await Assert.ThrowsAsync<InferenceInputException>(() => lease.InferAsync(Lepton.Engine.Tensor.Zeros(2, 8)));
        Assert.Contains("expects inputs (N,2,4)", wrong.Message);
        Assert.Equal(1, manager.Metrics.For("mlp", "3").Requests);
    }

    [Fact]
    public async Task UnknownModelsAndVersionsAreNotFound()
    {
        _registry.Add("tiny", 1, _folders.Marked(1));
        await using var manager = new ModelManager(_registry.Resolver, Manual);
        await manager.LoadAsync(new ModelServeOptions("tiny@1"));

        Assert.Contains("served models: tiny", Assert.Throws<ModelNotFoundException>(() => manager.Acquire("nope")).Message);
        Assert.Contains("not a valid model name", Assert.Throws<ModelNotFoundException>(() => manager.Acquire("../etc")).Message);
        Assert.Contains("does not serve version 9; it serves version 1", Assert.Throws<ModelNotFoundException>(() => manager.Acquire("tiny", 9)).Message);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => manager.UnloadAsync("nope"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => manager.LoadAsync(new ModelServeOptions("tiny@1")));
        Assert.False(manager.IsReady("nope"));
    }

    [Fact]
    public async Task UnloadWaitsForInFlightRequestsThenForgetsTheModel()
    {
        _registry.Add("tiny", 1, _folders.Marked(1));
        await using var manager = new ModelManager(_registry.Resolver, Manual);
        await manager.LoadAsync(new ModelServeOptions("tiny@1"));
        var lease = manager.Acquire("tiny");

        var unloading = manager.UnloadAsync("tiny");
        Assert.Throws<ModelNotFoundException>(() => manager.Acquire("tiny"));
        Assert.Equal(1f, (await lease.InferAsync(TestModelFolders.Inputs(1, 1))).ToArray()[0]);
        await Task.Delay(50);
        Assert.False(unloading.IsCompleted, "unload must wait for the lease");

        lease.Dispose();
        await unloading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(manager.Status());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => lease.InferAsync(TestModelFolders.Inputs(1, 1)));
    }

    [Fact]
    public async Task AnUnloadedVersionLeavesNothingThatKeepsItsWeightsAlive()
    {
        _registry.Add("tiny", 1, _folders.Marked(1));
        await using var manager = new ModelManager(_registry.Resolver, Manual);
        await manager.LoadAsync(new ModelServeOptions("tiny@1"));
        var (slot, released) = LeaseOnce(manager);

        await manager.UnloadAsync("tiny");
        await released.WaitAsync(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 3 && slot.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(20);
        }

        Assert.False(slot.IsAlive, "the unloaded version is still referenced");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (WeakReference Slot, Task Released) LeaseOnce(ModelManager manager)
    {
        using var lease = manager.Acquire("tiny");
        return (new WeakReference(lease.Slot), lease.SlotReleased);
    }

    [Fact]
    public async Task ReloadPicksUpAChangedFolder()
    {
        var folder = _folders.Marked(1);
        await using var manager = new ModelManager(_registry.Resolver, Manual);
        await manager.LoadAsync(new ModelServeOptions(folder, Name: "local"));
        using (var lease = manager.Acquire("local"))
        {
            Assert.Null(lease.Version);
            Assert.Equal("folder", lease.VersionLabel);
            Assert.Equal(1f, (await lease.InferAsync(TestModelFolders.Inputs(1, 1))).ToArray()[0]);
        }

        _folders.Marked(5, folder);
        var status = await manager.ReloadAsync("local");

        Assert.True(status.IsReady);
        using var fresh = manager.Acquire("local");
        Assert.Equal(5f, (await fresh.InferAsync(TestModelFolders.Inputs(1, 1))).ToArray()[0]);
    }

    [Fact]
    public async Task AFolderModelIsNamedAfterItsFolder()
    {
        var folder = Path.Combine(_folders.Root, "shoes");
        _folders.Marked(2, folder);
        await using var manager = new ModelManager(_registry.Resolver, Manual);

        await manager.LoadAsync(new ModelServeOptions(folder));

        Assert.True(manager.IsReady("shoes"));
        Assert.Equal("shoes", Assert.Single(manager.Status()).Name);
    }

    [Fact]
    public void OptionsOutOfRangeAreRefusedWithTheirName()
    {
        Assert.Contains("CanaryFraction", Assert.Throws<ArgumentOutOfRangeException>(() => new ModelServeOptions("m", CanaryFraction: 1.5).Validate()).Message);
        Assert.Contains("no Canary", Assert.Throws<ArgumentException>(() => new ModelServeOptions("m", CanaryFraction: 0.1).Validate()).Message);
        Assert.Contains("MaxQueueRows", Assert.Throws<ArgumentOutOfRangeException>(() => new ModelServeOptions("m", MaxBatchSize: 64, MaxQueueRows: 8).Validate()).Message);
        Assert.Contains("MaxBatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new ModelServeOptions("m", MaxBatchSize: 0).Validate()).Message);
    }

    internal static async Task WaitUntil(Func<bool> condition, int timeoutMs = 10_000)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.ElapsedMilliseconds > timeoutMs) throw new TimeoutException("condition not met in time");
            await Task.Delay(5);
        }
    }
}
