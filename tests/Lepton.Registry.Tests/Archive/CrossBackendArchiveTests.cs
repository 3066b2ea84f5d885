using Lepton.Registry.Archive;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Artifacts;
using Lepton.Registry.Tests.Store;

namespace Lepton.Registry.Tests.Archive;

/// <summary>
/// The acceptance path: SQLite → archive → PostgreSQL → archive → a fresh SQLite → archive. All three registry.json
/// documents are equal in full (run ids, time stamps, actors, alias moves), and imports into PostgreSQL are idempotent
/// and refuse conflicts whole.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class CrossBackendArchiveTests(PostgresClusterFixture cluster) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private FileArtifactStore Artifacts(string name) => new(new FileArtifactStoreOptions(_temp.Sub(name)));

    private async Task<string> ExportScenarioFromSqliteAsync()
    {
        var artifacts = Artifacts("artifacts");
        await using var sqlite = await RegistryStoreFactory.OpenAsync("sqlite:" + _temp.Sub("source.db"));
        await ArchiveScenario.PopulateAsync(sqlite, artifacts, _temp.Sub("scratch"));
        await RegistryArchive.ExportAsync(sqlite, artifacts, null, _temp.Sub("from-sqlite.zip"));
        return _temp.Sub("from-sqlite.zip");
    }

    [Fact]
    public async Task SqliteToPostgresAndBackLosesNothing()
    {
        var fromSqlite = await ExportScenarioFromSqliteAsync();
        var pgArtifacts = Artifacts("pg-artifacts");
        await using (var postgres = await RegistryStoreFactory.OpenAsync(await cluster.NewSchemaAsync()))
        {
            Assert.Equal("postgres", postgres.Backend);
            var imported = await RegistryArchive.ImportAsync(postgres, pgArtifacts, fromSqlite);
            Assert.Equal((4, 0, 1, 2), (imported.VersionsImported, imported.VersionsSkipped, imported.RunsImported, imported.DatasetVersionsImported));
            await RegistryArchive.ExportAsync(postgres, pgArtifacts, null, _temp.Sub("from-postgres.zip"));
        }

        var backArtifacts = Artifacts("back-artifacts");
        await using (var back = await RegistryStoreFactory.OpenAsync("sqlite:" + _temp.Sub("back.db")))
        {
            await RegistryArchive.ImportAsync(back, backArtifacts, _temp.Sub("from-postgres.zip"));
            await RegistryArchive.ExportAsync(back, backArtifacts, null, _temp.Sub("back-in-sqlite.zip"));
            // The moved registry behaves like the source: production was set to 1, moved to 3 and rolled back, so there is nothing further back.
            Assert.Contains("no earlier version",
                (await Assert.ThrowsAsync<InvalidOperationException>(() => back.RollbackAliasAsync("cnn", "production", "tester"))).Message);
        }

        var a = await RegistryArchive.ReadContentsAsync(fromSqlite);
        var b = await RegistryArchive.ReadContentsAsync(_temp.Sub("from-postgres.zip"));
        var c = await RegistryArchive.ReadContentsAsync(_temp.Sub("back-in-sqlite.zip"));
        Assert.Equal(("sqlite", "postgres", "sqlite"), (a.SourceBackend, b.SourceBackend, c.SourceBackend));
        Assert.Equal(ArchiveScenario.Describe(a), ArchiveScenario.Describe(b));
        Assert.Equal(ArchiveScenario.Records(a), ArchiveScenario.Records(b));
        Assert.Equal(ArchiveScenario.Records(a), ArchiveScenario.Records(c));
        Assert.Equal(["cnn", "other"], c.Models.Select(m => m.Model.Name));
        Assert.Contains(a.Runs[0].Metrics, m => m.Key == "grad_norm" && double.IsNaN(m.Value));
    }

    [Fact]
    public async Task ImportingIntoPostgresTwiceChangesNothingAndAConflictWritesNothing()
    {
        var fromSqlite = await ExportScenarioFromSqliteAsync();
        var pgArtifacts = Artifacts("pg-artifacts");
        await using (var postgres = await RegistryStoreFactory.OpenAsync(await cluster.NewSchemaAsync()))
        {
            await RegistryArchive.ImportAsync(postgres, pgArtifacts, fromSqlite);
            int audit = (await postgres.ListAuditAsync(1000)).Count;
            var again = await RegistryArchive.ImportAsync(postgres, pgArtifacts, fromSqlite);
            Assert.Equal((0, 0, 0, 0, 0, 4), (again.ArtifactsWritten, again.VersionsImported, again.RunsImported, again.DatasetVersionsImported,
                again.AliasMoves, again.VersionsSkipped));
            Assert.Equal(audit, (await postgres.ListAuditAsync(1000)).Count);
        }

        await using (var taken = await RegistryStoreFactory.OpenAsync(await cluster.NewSchemaAsync()))
        {
            await taken.RegisterModelVersionAsync(new NewModelVersion("other", new string('f', 64), "mine", "{}", null, null, "{}", "eve"));
            int audit = (await taken.ListAuditAsync(1000)).Count;
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RegistryArchive.ImportAsync(taken, Artifacts("taken-artifacts"), fromSqlite));
            Assert.Contains("already has a different version 1 of model 'other'", e.Message);
            // "cnn" sorts before "other", so without one transaction it would have been written before the conflict surfaced.
            Assert.Null(await taken.GetModelAsync("cnn"));
            Assert.Empty(await taken.ListRunsAsync());
            Assert.Empty(await taken.ListDatasetVersionsAsync());
            Assert.Equal(audit, (await taken.ListAuditAsync(1000)).Count);
        }
    }
}
