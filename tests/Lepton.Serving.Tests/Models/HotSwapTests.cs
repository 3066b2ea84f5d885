using System.Collections.Concurrent;
using Lepton.Serving.Models;

namespace Lepton.Serving.Tests.Models;

public sealed class HotSwapTests : IDisposable
{
    private readonly TestModelFolders _folders = new();
    private readonly FakeRegistry _registry = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public async Task PromotingUnderLoadDropsNoRequestAndEachResultComesFromOneVersion()
    {
        _registry.Add("fashion", 1, _folders.Marked(1));
        _registry.Add("fashion", 2, _folders.Marked(2));
        _registry.Point("fashion", "production", 1);
        await using var manager = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: TimeSpan.FromMilliseconds(20)));
        await manager.LoadAsync(new ModelServeOptions("fashion@production", MaxBatchSize: 16, MaxQueueDelay: TimeSpan.FromMilliseconds(1)));
        Task? firstVersionReleased = null;
        using (var probe = manager.Acquire("fashion")) firstVersionReleased = probe.SlotReleased;

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<Exception>();
        var served = new ConcurrentDictionary<int, int>();
        async Task Client(int id)
        {
            int rows = 1 + id % 3;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var lease = manager.Acquire("fashion");
                    var logits = (await lease.InferAsync(TestModelFolders.Inputs(rows, id))).ToArray();
                    // Every row of one response must carry the mark of the version the lease named.
                    for (int r = 0; r < rows; r++)
                    {
                        if (logits[r * 3] != lease.Version)
                            throw new InvalidOperationException($"row {r} came from version {logits[r * 3]} but the lease is version {lease.Version}");
                    }
                    served.AddOrUpdate(lease.Version!.Value, 1, (_, n) => n + 1);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        }
        var clients = Enumerable.Range(0, 8).Select(i => Task.Run(() => Client(i))).ToArray();

        await ModelManagerTests.WaitUntil(() => served.GetValueOrDefault(1) > 50);
        _registry.Point("fashion", "production", 2);
        await ModelManagerTests.WaitUntil(() => served.GetValueOrDefault(2) > 50);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(manager.IsReady("fashion", 2));
        Assert.False(manager.IsReady("fashion", 1));
        await firstVersionReleased!.WaitAsync(TimeSpan.FromSeconds(10));
        var status = Assert.Single(manager.Status());
        Assert.Equal([2], status.Versions.Select(v => v.Version));
        Assert.Null(status.LastError);
    }

    [Fact]
    public async Task ASwappedOutVersionIsReleasedOnlyWhenItsLastLeaseEnds()
    {
        _registry.Add("fashion", 1, _folders.Marked(1));
        _registry.Add("fashion", 2, _folders.Marked(2));
        _registry.Point("fashion", "production", 1);
        await using var manager = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await manager.LoadAsync(new ModelServeOptions("fashion@production"));
        var old = manager.Acquire("fashion");

        _registry.Point("fashion", "production", 2);
        await manager.CheckAliasesAsync();

        using (var fresh = manager.Acquire("fashion")) Assert.Equal(2, fresh.Version);
        var draining = Assert.Single(Assert.Single(manager.Status()).Versions, v => v.Version == 1);
        Assert.Equal((ModelVersionState.Draining, 1), (draining.State, draining.ActiveLeases));
        Assert.Contains("replaced", Assert.Throws<ModelNotReadyException>(() => manager.Acquire("fashion", 1)).Message);
        Assert.False(old.SlotReleased.IsCompleted);
        Assert.Equal(1f, (await old.InferAsync(TestModelFolders.Inputs(2, 1))).ToArray()[0]);

        old.Dispose();
        await old.SlotReleased.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([2], Assert.Single(manager.Status()).Versions.Select(v => v.Version));
    }

    [Fact]
    public async Task ALeaseHeldPastTheDrainTimeoutNoLongerPinsTheOldVersion()
    {
        _registry.Add("fashion", 1, _folders.Marked(1));
        _registry.Add("fashion", 2, _folders.Marked(2));
        _registry.Point("fashion", "production", 1);
        await using var manager = new ModelManager(_registry.Resolver,
            new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan, DrainTimeout: TimeSpan.FromMilliseconds(200)));
        await manager.LoadAsync(new ModelServeOptions("fashion@production"));
        using var stuck = manager.Acquire("fashion");

        _registry.Point("fashion", "production", 2);
        await manager.CheckAliasesAsync();
        await stuck.SlotReleased.WaitAsync(TimeSpan.FromSeconds(10));

        var late = await Assert.ThrowsAsync<ModelNotReadyException>(() => stuck.InferAsync(TestModelFolders.Inputs(1, 1)));
        Assert.Contains("released", late.Message);
        using var fresh = manager.Acquire("fashion");
        Assert.Equal(2f, (await fresh.InferAsync(TestModelFolders.Inputs(1, 1))).ToArray()[0]);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("wrong-shape")]
    [InlineData("warm-up")]
    public async Task ABrokenVersionNeverReplacesTheServingOne(string damage)
    {
        _registry.Add("fashion", 1, _folders.Marked(1));
        _registry.Add("fashion", 2, damage switch
        {
            "truncated" => _folders.Truncated(2),
            "wrong-shape" => _folders.WrongShape(2),
            _ => _folders.InputMismatch(),
        });
        _registry.Add("fashion", 3, _folders.Marked(3));
        _registry.Point("fashion", "production", 1);
        await using var manager = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await manager.LoadAsync(new ModelServeOptions("fashion@production"));

        _registry.Point("fashion", "production", 2);
        await manager.CheckAliasesAsync();

        using (var lease = manager.Acquire("fashion"))
        {
            Assert.Equal(1, lease.Version);
            Assert.Equal(1f, (await lease.InferAsync(TestModelFolders.Inputs(1, 1))).ToArray()[0]);
        }
        var status = Assert.Single(manager.Status());
        Assert.True(status.IsReady);
        var failed = Assert.Single(status.Versions, v => v.State == ModelVersionState.Failed);
        Assert.Equal(2, failed.Version);
        Assert.StartsWith("Could not load fashion@2 (fashion@production): ", status.LastError);
        Assert.DoesNotContain(_folders.Root, status.LastError);

        // The broken version is not retried on every poll, and a good version after it is taken.
        int resolves = _registry.Resolves;
        await manager.CheckAliasesAsync();
        Assert.Equal(resolves + 1, _registry.Resolves);
        _registry.Point("fashion", "production", 3);
        await manager.CheckAliasesAsync();
        using var next = manager.Acquire("fashion");
        Assert.Equal(3, next.Version);
        Assert.DoesNotContain(Assert.Single(manager.Status()).Versions, v => v.State == ModelVersionState.Failed);
    }

    [Fact]
    public async Task AnAliasThatDisappearsKeepsTheServingVersionAndReportsTheError()
    {
        _registry.Add("fashion", 1, _folders.Marked(1));
        _registry.Point("fashion", "production", 1);
        await using var manager = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await manager.LoadAsync(new ModelServeOptions("fashion@production"));

        _registry.RemoveAlias("fashion", "production");
        await manager.CheckAliasesAsync();

        Assert.True(manager.IsReady("fashion", 1));
        Assert.Contains("no alias 'production'", Assert.Single(manager.Status()).LastError);
    }
}
