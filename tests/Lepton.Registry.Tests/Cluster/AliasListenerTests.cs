using System.Collections.Concurrent;
using Lepton.Registry.Cluster;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Store;

namespace Lepton.Registry.Tests.Cluster;

/// <summary>Alias notices between two stores (two replicas) on one throw-away PostgreSQL, and the listener's reconnect.</summary>
[Collection(StoreCollection.Name)]
public sealed class AliasListenerTests(PostgresClusterFixture cluster)
{
    [Fact]
    public async Task Listener_PromoteThroughAnotherStore_HearsModelWithinTwoSeconds()
    {
        string location = await cluster.NewSchemaAsync();
        await using var writer = await PostgresRegistryStore.OpenAsync(location);
        await using var reader = await PostgresRegistryStore.OpenAsync(location);
        await writer.RegisterModelVersionAsync(ClusterTestKit.Version("fashion", "1"));
        var heard = new ConcurrentQueue<string?>();
        await using var listener = new PostgresAliasListener(reader, ClusterTestKit.Fast);
        listener.Start((model, _) => { heard.Enqueue(model); return Task.CompletedTask; });
        // The first connect reports "anything may have changed" (null), so a server checks what moved before it listened.
        await ClusterTestKit.WaitUntil(() => heard.Contains(null), TimeSpan.FromSeconds(10), "the listener connected");

        await writer.SetAliasAsync("fashion", "production", 1, ClusterTestKit.Actor);

        var took = await ClusterTestKit.WaitUntil(() => heard.Contains("fashion"), TimeSpan.FromSeconds(2), "the promote was heard");
        Assert.True(took < TimeSpan.FromSeconds(2));
        Assert.Equal(1, listener.Received);
    }

    [Fact]
    public async Task Listener_RollbackAndVersionDelete_EachNotify()
    {
        string location = await cluster.NewSchemaAsync();
        await using var store = await PostgresRegistryStore.OpenAsync(location);
        await store.RegisterModelVersionAsync(ClusterTestKit.Version("m", "1"));
        await store.RegisterModelVersionAsync(ClusterTestKit.Version("m", "2"));
        await store.RegisterModelVersionAsync(ClusterTestKit.Version("other", "1"));
        await store.SetAliasAsync("m", "production", 1, ClusterTestKit.Actor);
        await store.SetAliasAsync("m", "production", 2, ClusterTestKit.Actor);
        var heard = new ConcurrentQueue<string?>();
        await using var listener = new PostgresAliasListener(store, ClusterTestKit.Fast);
        listener.Start((model, _) => { heard.Enqueue(model); return Task.CompletedTask; });
        await ClusterTestKit.WaitUntil(() => listener.IsListening, TimeSpan.FromSeconds(10), "the listener connected");

        await store.RollbackAliasAsync("m", "production", ClusterTestKit.Actor);
        await ClusterTestKit.WaitUntil(() => listener.Received == 1, TimeSpan.FromSeconds(5), "the rollback was heard");
        await store.DeleteModelAsync("m", 1, ClusterTestKit.Actor);
        await ClusterTestKit.WaitUntil(() => listener.Received == 2, TimeSpan.FromSeconds(5), "the delete of the aliased version was heard");
        // Deleting a version no alias points at moves nothing, so it says nothing.
        await store.DeleteModelAsync("other", 1, ClusterTestKit.Actor);
        await Task.Delay(500);

        Assert.Equal(2, listener.Received);
        Assert.Equal(["m"], heard.Where(m => m is not null).Distinct());
    }

    [Fact]
    public async Task Listener_SessionTerminated_ReconnectsAndHearsLaterPromotes()
    {
        string location = await cluster.NewSchemaAsync();
        await using var store = await PostgresRegistryStore.OpenAsync(location);
        await store.RegisterModelVersionAsync(ClusterTestKit.Version("fashion", "1"));
        var heard = new ConcurrentQueue<string?>();
        await using var listener = new PostgresAliasListener(store, ClusterTestKit.Fast);
        listener.Start((model, _) => { heard.Enqueue(model); return Task.CompletedTask; });
        await ClusterTestKit.WaitUntil(() => listener.IsListening, TimeSpan.FromSeconds(10), "the listener connected");

        Assert.True(await ClusterTestKit.TerminateSessionsAsync(location, PostgresAliasListener.ApplicationName) >= 1);
        await ClusterTestKit.WaitUntil(() => heard.Count(m => m is null) >= 2 && listener.IsListening, TimeSpan.FromSeconds(10),
            "the listener reconnected and asked for a full check");
        await store.SetAliasAsync("fashion", "production", 1, ClusterTestKit.Actor);

        await ClusterTestKit.WaitUntil(() => heard.Contains("fashion"), TimeSpan.FromSeconds(5), "the promote after the reconnect was heard");
    }

    [Fact]
    public async Task Listener_HandlerThrows_KeepsListening()
    {
        string location = await cluster.NewSchemaAsync();
        await using var store = await PostgresRegistryStore.OpenAsync(location);
        await store.RegisterModelVersionAsync(ClusterTestKit.Version("fashion", "1"));
        await store.RegisterModelVersionAsync(ClusterTestKit.Version("fashion", "2"));
        int calls = 0;
        await using var listener = new PostgresAliasListener(store, ClusterTestKit.Fast);
        listener.Start((model, _) =>
        {
            if (model is null) return Task.CompletedTask;
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("the reload failed");
        });
        await ClusterTestKit.WaitUntil(() => listener.IsListening, TimeSpan.FromSeconds(10), "the listener connected");

        await store.SetAliasAsync("fashion", "production", 1, ClusterTestKit.Actor);
        await ClusterTestKit.WaitUntil(() => Volatile.Read(ref calls) == 1, TimeSpan.FromSeconds(5), "the first notice was handled");
        await store.SetAliasAsync("fashion", "production", 2, ClusterTestKit.Actor);

        await ClusterTestKit.WaitUntil(() => Volatile.Read(ref calls) == 2, TimeSpan.FromSeconds(5), "the second notice was handled");
        Assert.True(listener.IsListening);
    }

    [Fact]
    public async Task StoreCluster_Sqlite_HasNoFeedNoSharedWindowsAndAlwaysLeads()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lepton-cluster-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var store = await SqliteRegistryStore.OpenAsync(Path.Combine(folder, "registry.db"));
            Assert.False(StoreCluster.IsShared(store));
            Assert.Null(StoreCluster.AliasChanges(store));
            Assert.Null(StoreCluster.RateWindows(store));
            await using var leader = StoreCluster.Leader(store, "alerts");
            leader.Start();
            Assert.True(leader.IsLeader);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
