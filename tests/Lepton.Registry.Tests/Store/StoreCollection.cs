namespace Lepton.Registry.Tests.Store;

/// <summary>
/// The store suites run one after the other (their multi-process tests would otherwise fight for two cores and
/// blur the timings) and share one PostgreSQL cluster, started only when a PostgreSQL test first needs it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "registry store";
}

/// <summary>Starts the throw-away cluster on first use, so the SQLite tests never depend on PostgreSQL being installed.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private readonly Lazy<Task<PostgresCluster>> _cluster = new(async () =>
    {
        var cluster = new PostgresCluster();
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    });

    public async Task<string> NewSchemaAsync() => await (await _cluster.Value).NewSchemaAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster.IsValueCreated && _cluster.Value.IsCompletedSuccessfully) await (await _cluster.Value).DisposeAsync();
    }
}
