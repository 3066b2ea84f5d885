using Lepton.Serving.Models;

namespace Lepton.Serving.Tests.Models;

public sealed class CanaryTests : IDisposable
{
    private static readonly ModelManagerOptions Manual = new(AliasPollInterval: Timeout.InfiniteTimeSpan);
    private readonly TestModelFolders _folders = new();
    private readonly FakeRegistry _registry = new();

    public CanaryTests()
    {
        for (int v = 1; v <= 3; v++) _registry.Add("fashion", v, _folders.Marked(v));
        _registry.Point("fashion", "production", 1);
        _registry.Point("fashion", "staging", 2);
    }

    public void Dispose() => _folders.Dispose();

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    public async Task TheCanaryGetsItsFractionOfUnversionedRequests(double fraction)
    {
        await using var manager = new ModelManager(_registry.Resolver, Manual);
        await manager.LoadAsync(new ModelServeOptions("fashion@production", Canary: "fashion@staging", CanaryFraction: fraction));

        const int requests = 2000;
        int canary = 0;
        for (int i = 0; i < requests; i++)
        {
            using var lease = manager.Acquire("fashion");
            Assert.Equal(lease.IsCanary ? 2 : 1, lease.Version);
            if (lease.IsCanary) canary++;
        }

        Assert.InRange(canary, requests * fraction - 1, requests * fraction + 1);
        var status = Assert.Single(manager.Status());
        Assert.Equal(("fashion@staging", fraction), (status.CanaryReference, status.CanaryFraction));
        Assert.Equal([(1, true, false), (2, false, true)], status.Versions.Select(v => (v.Version!.Value, v.IsPrimary, v.IsCanary)));
    }

    [Fact]
    public async Task ANamedVersionBypassesTheSplit()
    {
        await using var manager = new ModelManager(_registry.Resolver, Manual);
        await manager.LoadAsync(new ModelServeOptions("fashion@production", Canary: "fashion@staging", CanaryFraction: 0));

        for (int i = 0; i < 20; i++)
        {
            using var primary = manager.Acquire("fashion");
            Assert.Equal(1, primary.Version);
        }
        using var canary = manager.Acquire("fashion", 2);
        Assert.True(canary.IsCanary);
        Assert.Equal(2f, (await canary.InferAsync(TestModelFolders.Inputs(1, 1))).ToArray()[0]);
        Assert.True(manager.IsReady("fashion", 2));
    }

    [Fact]
    public async Task ABrokenCanaryLeavesThePrimaryServingEverything()
    {
        _registry.Add("fashion", 4, _folders.Truncated(4));
        _registry.Point("fashion", "staging", 4);
        await using var manager = new ModelManager(_registry.Resolver, Manual);

        await manager.LoadAsync(new ModelServeOptions("fashion@production", Canary: "fashion@staging", CanaryFraction: 0.5));

        for (int i = 0; i < 10; i++)
        {
            using var lease = manager.Acquire("fashion");
            Assert.Equal(1, lease.Version);
        }
        var status = Assert.Single(manager.Status());
        var failed = Assert.Single(status.Versions, v => v.State == ModelVersionState.Failed);
        Assert.Equal((4, true), (failed.Version, failed.IsCanary));
        Assert.Contains("fashion@4 (fashion@staging)", status.LastError);

        _registry.Point("fashion", "staging", 3);
        await manager.CheckAliasesAsync();
        Assert.True(manager.IsReady("fashion", 3));
    }

    [Fact]
    public async Task PromotingTheCanaryReusesItsLoadedCopy()
    {
        await using var manager = new ModelManager(_registry.Resolver, Manual);
        await manager.LoadAsync(new ModelServeOptions("fashion@production", Canary: "fashion@staging", CanaryFraction: 0.5));
        Task released;
        using (var canary = manager.Acquire("fashion", 2)) released = canary.SlotReleased;
        Task firstReleased;
        using (var primary = manager.Acquire("fashion", 1)) firstReleased = primary.SlotReleased;

        _registry.Point("fashion", "production", 2);
        await manager.CheckAliasesAsync();

        using var lease = manager.Acquire("fashion");
        Assert.Equal(2, lease.Version);
        Assert.Equal(released, lease.SlotReleased);
        await firstReleased.WaitAsync(TimeSpan.FromSeconds(10));
        var version = Assert.Single(Assert.Single(manager.Status()).Versions);
        Assert.Equal((2, true, true), (version.Version, version.IsPrimary, version.IsCanary));
    }
}
