using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lepton.Registry.Keys;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Store;
using Lepton.Serving.Tests.Http;
using Lepton.Serving.Tests.Models;

namespace Lepton.Serving.Tests.Cluster;

/// <summary>
/// Two (or three) in-process servers on one throw-away PostgreSQL behave as one cluster: a promote through one reaches the
/// others by NOTIFY with polling off, one leads, a key's rate limit counts requests on every replica, and the prediction log
/// holds every answered request once.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class ReplicaTests(PostgresClusterFixture cluster) : IDisposable
{
    private readonly TestModelFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private string Home => Path.Combine(_folders.Root, "home");

    [Fact]
    public async Task Promote_ThroughOneReplica_OtherServesItWithinTwoSecondsWithPollingOff()
    {
        string location = await RegisterAsync(versions: 2);
        await using var a = await Replica.StartAsync(location, Home, "a", "fashion@production", NoAuth);
        await using var b = await Replica.StartAsync(location, Home, "b", "fashion@production", NoAuth);
        // The control: no polling and no listening, so it can learn of the promote from nothing.
        await using var deaf = await Replica.StartAsync(location, Home, "deaf", "fashion@production", NoAuth, listen: false);
        await WaitUntil(() => b.Models.IsListeningForAliasChanges, TimeSpan.FromSeconds(10), "b listens");
        Assert.Equal("1", await ServedVersionAsync(b));

        var clock = Stopwatch.StartNew();
        await a.Registry.PromoteAsync("fashion", 2, "production", "test");
        string served = "1";
        while (served != "2" && clock.Elapsed < TimeSpan.FromSeconds(2)) served = await ServedVersionAsync(b);

        Assert.True(served == "2", $"b still served version {served} {clock.Elapsed.TotalSeconds:0.00} s after the promote");
        Assert.Equal(1, b.Models.AliasNoticesReceived);
        Assert.Equal("1", await ServedVersionAsync(deaf));
    }

    [Fact]
    public async Task Rollback_ThroughOneReplica_ReachesTheOther()
    {
        string location = await RegisterAsync(versions: 2);
        await using var a = await Replica.StartAsync(location, Home, "a", "fashion@production", NoAuth);
        await using var b = await Replica.StartAsync(location, Home, "b", "fashion@production", NoAuth);
        await WaitUntil(() => b.Models.IsListeningForAliasChanges, TimeSpan.FromSeconds(10), "b listens");
        await a.Registry.PromoteAsync("fashion", 2, "production", "test");
        await WaitUntil(() => b.Models.IsReady("fashion", 2), TimeSpan.FromSeconds(5), "b serves version 2");

        await a.Registry.RollbackAsync("fashion", "production", "test");

        await WaitUntil(() => b.Models.IsReady("fashion", 1) && !b.Models.IsReady("fashion", 2), TimeSpan.FromSeconds(5), "b serves version 1 again");
        Assert.Equal("1", await ServedVersionAsync(b));
    }

    [Fact]
    public async Task Leader_OneOfTwoReplicas_ShowsOnMetricsAndHandsOverWhenItStops()
    {
        string location = await RegisterAsync(versions: 1);
        var a = await Replica.StartAsync(location, Home, "a", "fashion@production", NoAuth);
        await using var b = await Replica.StartAsync(location, Home, "b", "fashion@production", NoAuth);
        try
        {
            await WaitUntil(() => a.Leader.IsLeader || b.Leader.IsLeader, TimeSpan.FromSeconds(10), "one replica leads");
            await Task.Delay(500);
            var (leader, follower) = a.Leader.IsLeader ? (a, b) : (b, a);
            Assert.False(follower.Leader.IsLeader);
            Assert.Equal(1, await LeaderGaugeAsync(leader));
            Assert.Equal(0, await LeaderGaugeAsync(follower));

            await leader.DisposeAsync();

            await WaitUntil(() => follower.Leader.IsLeader, TimeSpan.FromSeconds(3), "the other replica took over");
            Assert.Equal(1, await LeaderGaugeAsync(follower));
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

    [Fact]
    public async Task RateLimit_OneKeyOnTwoReplicas_CountsRequestsOnBoth()
    {
        string location = await RegisterAsync(versions: 1);
        await using var setup = await PostgresRegistryStore.OpenAsync(location);
        string key = (await ApiKeys.CreateAsync(setup, "predict", KeyScopes.Predict, null, "test")).Secret;
        string other = (await ApiKeys.CreateAsync(setup, "other", KeyScopes.Predict, null, "test")).Secret;
        // A pinned clock keeps every request in one window, however slowly the test runs.
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddMilliseconds(100));
        var options = new ServerOptions { RateLimitPerSecond = 4 };
        await using var a = await Replica.StartAsync(location, Home, "a", "fashion@production", options, clock: clock);
        await using var b = await Replica.StartAsync(location, Home, "b", "fashion@production", options, clock: clock);

        var statuses = new List<int>();
        for (int i = 0; i < 6; i++) statuses.Add((await InferAsync(i % 2 == 0 ? a : b, key)).Status);

        // Four per second per key in all: alone, each replica would have let all three of its requests through.
        Assert.Equal([200, 200, 200, 200, 429, 429], statuses);
        var limited = await InferAsync(b, key);
        Assert.Equal(429, limited.Status);
        Assert.Contains("across all replicas", limited.Error);
        Assert.NotNull(limited.Message.Headers.RetryAfter);
        Assert.Equal(200, (await InferAsync(a, other)).Status);

        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Equal(200, (await InferAsync(b, key)).Status);
    }

    [Fact]
    public async Task PredictionLog_ThreeReplicasConcurrently_HoldsEveryAnsweredRequestOnce()
    {
        string location = await RegisterAsync(versions: 1);
        var replicas = new List<Replica>();
        for (int i = 0; i < 3; i++) replicas.Add(await Replica.StartAsync(location, Home, "r" + i, "fashion@production", NoAuth));
        var answered = new List<string>();
        try
        {
            var requests = Enumerable.Range(0, 3 * 40).Select(i => InferAsync(replicas[i % 3], null));
            foreach (var reply in await Task.WhenAll(requests))
            {
                Assert.Equal(200, reply.Status);
                answered.Add(reply.Header("X-Prediction-Id")!);
            }
        }
        finally
        {
            // Shutting down flushes each replica's log.
            foreach (var replica in replicas) await replica.DisposeAsync();
        }

        await using var store = await PostgresRegistryStore.OpenAsync(location);
        var logged = await store.ListPredictionsAsync("fashion", limit: 1000);
        Assert.Equal(answered.Count, answered.Distinct().Count());
        Assert.Equal(answered.Order(StringComparer.Ordinal), logged.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Equal(answered.Count, await store.CountPredictionsAsync("fashion"));
    }

    [Fact]
    public async Task Promote_UnderLoadOnThreeReplicas_NoRequestFailsEachNamesOneVersionAllSwitchWithinFiveSeconds()
    {
        string location = await RegisterAsync(versions: 2);
        var replicas = new List<Replica>();
        for (int i = 0; i < 3; i++) replicas.Add(await Replica.StartAsync(location, Home, "r" + i, "fashion@production", NoAuth));
        try
        {
            foreach (var replica in replicas) await WaitUntil(() => replica.Models.IsListeningForAliasChanges, TimeSpan.FromSeconds(10), "the replica listens");
            var clock = Stopwatch.StartNew();
            var answers = new List<(int Replica, TimeSpan Sent, int Status, string? Version)>();
            using var stop = new CancellationTokenSource();
            // Eight clients per replica, as a balancer would spread them, until every replica answered version 2 for a second.
            var clients = Enumerable.Range(0, 24).Select(c => Task.Run(async () =>
            {
                var mine = new List<(int, TimeSpan, int, string?)>();
                while (!stop.IsCancellationRequested)
                {
                    var sent = clock.Elapsed;
                    var reply = await InferAsync(replicas[c % 3], null);
                    mine.Add((c % 3, sent, reply.Status, reply.Status == 200 ? VersionOf(reply.Body) : null));
                }
                return mine;
            })).ToList();
            await Task.Delay(500);
            var promotedAt = clock.Elapsed;
            await replicas[0].Registry.PromoteAsync("fashion", 2, "production", "test");
            await WaitUntil(() => replicas.All(r => r.Models.IsReady("fashion", 2) && !r.Models.IsReady("fashion", 1)), TimeSpan.FromSeconds(5), "every replica serves version 2");
            await Task.Delay(1000);
            await stop.CancelAsync();
            foreach (var mine in await Task.WhenAll(clients)) answers.AddRange(mine);

            Assert.All(answers, a => Assert.Equal(200, a.Status));
            Assert.All(answers, a => Assert.Contains(a.Version, new[] { "1", "2" }));
            for (int r = 0; r < 3; r++)
            {
                var lastOld = answers.Where(a => a.Replica == r && a.Version == "1").Select(a => a.Sent).DefaultIfEmpty(TimeSpan.Zero).Max();
                Assert.True(lastOld - promotedAt < TimeSpan.FromSeconds(5), $"replica {r} answered version 1 to a request sent {(lastOld - promotedAt).TotalSeconds:0.00} s after the promote");
                Assert.Contains(answers, a => a.Replica == r && a.Version == "2");
            }
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    private static string? VersionOf(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("model_version").GetString();
    }

    private static readonly ServerOptions NoAuth = new() { NoAuth = true };

    /// <summary>A fresh schema with model "fashion" at versions 1..n (version i's first output is i) and production at 1.</summary>
    private async Task<string> RegisterAsync(int versions)
    {
        string location = await cluster.NewSchemaAsync();
        await using var store = await PostgresRegistryStore.OpenAsync(location);
        await using var registry = new Lepton.Registry.ModelRegistry(store,
            new Lepton.Registry.Artifacts.FileArtifactStore(new Lepton.Registry.Artifacts.FileArtifactStoreOptions(Path.Combine(Home, "artifacts"))),
            new Lepton.Registry.Packaging.ModelPackageOptions(CacheRoot: Path.Combine(Home, "cache-setup")));
        for (int v = 1; v <= versions; v++) await registry.RegisterAsync("fashion", _folders.Marked(v), null, null, "test");
        await registry.PromoteAsync("fashion", 1, "production", "test");
        return location;
    }

    private static Task<Reply> InferAsync(Replica replica, string? key) =>
        Requests.PostJson(replica.Client, "/v2/models/fashion/infer",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", key);

    private static async Task<string> ServedVersionAsync(Replica replica)
    {
        var reply = await InferAsync(replica, null);
        Assert.Equal(200, reply.Status);
        using var json = JsonDocument.Parse(reply.Body);
        return json.RootElement.GetProperty("model_version").GetString()!;
    }

    private static async Task<double> LeaderGaugeAsync(Replica replica)
    {
        var metrics = await Requests.Get(replica.Client, "/metrics", null);
        string line = metrics.Body.Split('\n').Single(l => l.StartsWith("lepton_leader{role=\"alerts\"}", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) Assert.Fail($"Timed out after {timeout.TotalSeconds:0.0} s waiting until {what}.");
            await Task.Delay(20);
        }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
