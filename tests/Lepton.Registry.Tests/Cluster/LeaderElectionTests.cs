using Lepton.Registry.Cluster;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Store;

namespace Lepton.Registry.Tests.Cluster;

/// <summary>Advisory-lock leader election between replicas on one throw-away PostgreSQL: one leader, and a hand-over when it dies.</summary>
[Collection(StoreCollection.Name)]
public sealed class LeaderElectionTests(PostgresClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Leader_TwoReplicas_ExactlyOneLeads()
    {
        string location = await cluster.NewSchemaAsync();
        await using var storeA = await PostgresRegistryStore.OpenAsync(location);
        await using var storeB = await PostgresRegistryStore.OpenAsync(location);
        await using var a = new PostgresLeaderElection(storeA, "alerts", ClusterTestKit.Fast);
        await using var b = new PostgresLeaderElection(storeB, "alerts", ClusterTestKit.Fast);
        a.Start();
        b.Start();

        await ClusterTestKit.WaitUntil(() => a.IsLeader || b.IsLeader, Patience, "one replica leads");
        // Several retry intervals pass: the other must never take the role while the leader lives.
        for (int i = 0; i < 10; i++)
        {
            Assert.True(a.IsLeader ^ b.IsLeader, $"a leads: {a.IsLeader}, b leads: {b.IsLeader}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Leader_LeaderDisposed_OtherTakesOver()
    {
        string location = await cluster.NewSchemaAsync();
        await using var storeA = await PostgresRegistryStore.OpenAsync(location);
        await using var storeB = await PostgresRegistryStore.OpenAsync(location);
        var a = new PostgresLeaderElection(storeA, "alerts", ClusterTestKit.Fast);
        await using var b = new PostgresLeaderElection(storeB, "alerts", ClusterTestKit.Fast);
        a.Start();
        await ClusterTestKit.WaitUntil(() => a.IsLeader, Patience, "the first replica leads");
        b.Start();
        await Task.Delay(600);
        Assert.False(b.IsLeader);

        await a.DisposeAsync();

        Assert.False(a.IsLeader);
        await ClusterTestKit.WaitUntil(() => b.IsLeader, TimeSpan.FromSeconds(3), "the second replica took over");
    }

    [Fact]
    public async Task Leader_LeaderSessionTerminated_StepsDownAndOtherTakesOver()
    {
        string location = await cluster.NewSchemaAsync();
        await using var storeA = await PostgresRegistryStore.OpenAsync(location);
        await using var storeB = await PostgresRegistryStore.OpenAsync(location);
        await using var a = new PostgresLeaderElection(storeA, "loop:fashion", ClusterTestKit.Fast);
        a.Start();
        await ClusterTestKit.WaitUntil(() => a.IsLeader, Patience, "the first replica leads");
        await using var b = new PostgresLeaderElection(storeB, "loop:fashion", ClusterTestKit.Fast);

        // Only A's session has the application name yet: cut it, as a crash of A's host would.
        Assert.Equal(1, await ClusterTestKit.TerminateSessionsAsync(location, a.ApplicationName));
        b.Start();

        await ClusterTestKit.WaitUntil(() => b.IsLeader, Patience, "the second replica took over");
        await ClusterTestKit.WaitUntil(() => !a.IsLeader, Patience, "the cut-off leader stepped down");
        await Task.Delay(600);
        Assert.False(a.IsLeader, "the old leader must not lead again while the new one lives");
    }

    [Fact]
    public async Task Leader_DifferentRolesOrSchemas_LeadIndependently()
    {
        string first = await cluster.NewSchemaAsync(), second = await cluster.NewSchemaAsync();
        await using var storeA = await PostgresRegistryStore.OpenAsync(first);
        await using var storeB = await PostgresRegistryStore.OpenAsync(second);
        await using var alerts = new PostgresLeaderElection(storeA, "alerts", ClusterTestKit.Fast);
        await using var loop = new PostgresLeaderElection(storeA, "loop:fashion", ClusterTestKit.Fast);
        await using var otherSchema = new PostgresLeaderElection(storeB, "alerts", ClusterTestKit.Fast);
        alerts.Start();
        loop.Start();
        otherSchema.Start();

        await ClusterTestKit.WaitUntil(() => alerts.IsLeader && loop.IsLeader && otherSchema.IsLeader, Patience, "every role in every schema has a leader");
    }

    [Theory]
    [InlineData("")]
    [InlineData("alerts\n")]
    public async Task Leader_BadRole_ThrowsNamingTheRole(string role)
    {
        await using var store = await PostgresRegistryStore.OpenAsync(await cluster.NewSchemaAsync());
        var error = Assert.Throws<ArgumentException>(() => new PostgresLeaderElection(store, role));
        Assert.Contains("leader role", error.Message);
    }
}
