using System.Diagnostics;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Cluster;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Serving.Models;

namespace Lepton.Serving.Tests.Models;

/// <summary>
/// While alias notices arrive the manager polls only as a slow safety net; when the feed goes quiet (LISTEN unavailable, the
/// listening connection down) it falls back to polling every poll interval, so a promote still reaches it.
/// </summary>
public sealed class PollingFallbackTests : IAsyncLifetime
{
    private readonly TestModelFolders _folders = new();
    private ModelRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        var home = Path.Combine(_folders.Root, "home");
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(home, "registry.db")}");
        _registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(home, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(home, "cache")));
        await _registry.RegisterAsync("fashion", _folders.Marked(1), null, null, "test");
        await _registry.RegisterAsync("fashion", _folders.Marked(2), null, null, "test");
        await _registry.PromoteAsync("fashion", 1, "production", "test");
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _folders.Dispose();
    }

    [Fact]
    public async Task Promote_FeedListeningButSilent_NotPolledUntilTheFeedDropsThenPolled()
    {
        var feed = new FakeFeed { IsListening = true };
        var options = new ModelManagerOptions(AliasPollInterval: TimeSpan.FromMilliseconds(50)) { PollIntervalWhileListening = Timeout.InfiniteTimeSpan };
        await using var manager = new ModelManager(_registry, options, feed, logger: null);
        await manager.LoadAsync(new ModelServeOptions("fashion@production"));

        await _registry.PromoteAsync("fashion", 2, "production", "test");
        await Task.Delay(400);
        // The control: ten poll intervals passed, but with the feed up the manager waits for its notice.
        Assert.Equal(0, manager.AliasPolls);
        Assert.True(manager.IsReady("fashion", 1));

        feed.IsListening = false;

        await ModelManagerTests.WaitUntil(() => manager.IsReady("fashion", 2) && !manager.IsReady("fashion", 1));
        Assert.True(manager.AliasPolls > 0);
    }

    [Fact]
    public async Task Promote_NoticeFromTheFeed_AppliedWithoutAPoll()
    {
        var feed = new FakeFeed { IsListening = true };
        var options = new ModelManagerOptions(AliasPollInterval: TimeSpan.FromMilliseconds(50)) { PollIntervalWhileListening = Timeout.InfiniteTimeSpan };
        await using var manager = new ModelManager(_registry, options, feed, logger: null);
        await manager.LoadAsync(new ModelServeOptions("fashion@production"));

        await _registry.PromoteAsync("fashion", 2, "production", "test");
        await feed.NotifyAsync("fashion");

        Assert.True(manager.IsReady("fashion", 2) && !manager.IsReady("fashion", 1));
        Assert.Equal(0, manager.AliasPolls);
    }

    [Fact]
    public async Task Poll_WhileListening_OnlyAtTheSafetyNetInterval()
    {
        var feed = new FakeFeed { IsListening = true };
        var options = new ModelManagerOptions(AliasPollInterval: TimeSpan.FromMilliseconds(20)) { PollIntervalWhileListening = TimeSpan.FromMilliseconds(300) };
        await using var manager = new ModelManager(_registry, options, feed, logger: null);
        var clock = Stopwatch.StartNew();
        await manager.LoadAsync(new ModelServeOptions("fashion@production"));

        await _registry.PromoteAsync("fashion", 2, "production", "test");
        await ModelManagerTests.WaitUntil(() => manager.IsReady("fashion", 2));
        await Task.Delay(500);

        // At 20 ms the manager would have polled about 40 times by now; at the 300 ms safety net, a handful.
        long polls = manager.AliasPolls;
        Assert.InRange(polls, 1, (long)(clock.ElapsedMilliseconds / 300) + 1);
    }

    [Fact]
    public void ListeningPollInterval_ShorterThanThePollInterval_IsThePollInterval()
    {
        var options = new ModelManagerOptions(AliasPollInterval: TimeSpan.FromSeconds(5)) { PollIntervalWhileListening = TimeSpan.FromSeconds(1) };
        Assert.Equal(TimeSpan.FromSeconds(5), options.ListeningPollInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), new ModelManagerOptions().ListeningPollInterval);
    }

    /// <summary>A feed the test switches on and off and sends notices through, as the PostgreSQL listener would.</summary>
    private sealed class FakeFeed : IAliasChangeFeed
    {
        private Func<string?, CancellationToken, Task>? _onChange;

        public bool IsListening { get; set; }

        public long Received { get; private set; }

        public void Start(Func<string?, CancellationToken, Task> onChange) => _onChange = onChange;

        public Task NotifyAsync(string? model)
        {
            Received++;
            return _onChange!(model, CancellationToken.None);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
