using Xunit.Abstractions;

namespace Lepton.Registry.Tests.Store;

/// <summary>The conformance suite on a real PostgreSQL server (a throw-away cluster), one schema per test.</summary>
[Collection(StoreCollection.Name)]
public sealed class PostgresRegistryStoreTests(PostgresClusterFixture cluster, ITestOutputHelper output) : RegistryStoreConformance(output)
{
    protected override string ExpectedBackend => "postgres";

    protected override Task<string> NewLocationAsync() => cluster.NewSchemaAsync();
}
