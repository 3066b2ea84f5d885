using Lepton.Registry.Archive;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Artifacts;
using Lepton.Registry.Tests.Store;

namespace Lepton.Registry.Tests.Archive;

/// <summary>The acceptance path: export from SQLite, import into PostgreSQL, export again; both archives describe the same registry.</summary>
[Collection(StoreCollection.Name)]
public sealed class CrossBackendArchiveTests(PostgresClusterFixture cluster) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task SqliteToPostgresAndBackLosesNothing()
    {
        var artifacts = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("artifacts")));
        await using (var sqlite = await RegistryStoreFactory.OpenAsync("sqlite:" + _temp.Sub("source.db")))
        {
            await ArchiveScenario.PopulateAsync(sqlite, artifacts, _temp.Sub("scratch"));
            await RegistryArchive.ExportAsync(sqlite, artifacts, null, _temp.Sub("from-sqlite.zip"));
        }

        var pgArtifacts = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("pg-artifacts")));
        await using (var postgres = await RegistryStoreFactory.OpenAsync(await cluster.NewSchemaAsync()))
        {
            Assert.Equal("postgres", postgres.Backend);
            await RegistryArchive.ImportAsync(postgres, pgArtifacts, _temp.Sub("from-sqlite.zip"));
            await RegistryArchive.ExportAsync(postgres, pgArtifacts, null, _temp.Sub("from-postgres.zip"));
        }

        await using (var back = await RegistryStoreFactory.OpenAsync("sqlite:" + _temp.Sub("back.db")))
        {
            await RegistryArchive.ImportAsync(back, new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("back-artifacts"))), _temp.Sub("from-postgres.zip"));
        }

        var a = await RegistryArchive.ReadContentsAsync(_temp.Sub("from-sqlite.zip"));
        var b = await RegistryArchive.ReadContentsAsync(_temp.Sub("from-postgres.zip"));
        Assert.Equal(("sqlite", "postgres"), (a.SourceBackend, b.SourceBackend));
        Assert.Equal(ArchiveScenario.Describe(a), ArchiveScenario.Describe(b));
        Assert.Equal(["cnn", "other"], b.Models.Select(m => m.Model.Name));
    }
}
