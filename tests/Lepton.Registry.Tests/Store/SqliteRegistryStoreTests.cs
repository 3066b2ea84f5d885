using Lepton.Registry.Store;
using Xunit.Abstractions;

namespace Lepton.Registry.Tests.Store;

/// <summary>The conformance suite on SQLite files in a temp folder, plus SQLite-only settings checks.</summary>
[Collection(StoreCollection.Name)]
public sealed class SqliteRegistryStoreTests(ITestOutputHelper output) : RegistryStoreConformance(output)
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lepton-store-" + Guid.NewGuid().ToString("N")[..12]);

    protected override string ExpectedBackend => "sqlite";

    protected override Task<string> NewLocationAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult("sqlite:" + Path.Combine(_folder, Guid.NewGuid().ToString("N")[..8] + ".db"));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_file_is_in_wal_mode_with_the_schema_tables()
    {
        var store = (SqliteRegistryStore)Store;
        Assert.True(File.Exists(store.DatabasePath));
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)";
        Assert.Equal("alert_events,alias_history,api_keys,audit_log,dataset_versions,datasets,feedback,label_candidates,labels,loop_decisions,model_aliases,model_versions,models,predictions,recipe_steps,run_logs,run_metrics,runs,schema_migrations",
            await command.ExecuteScalarAsync());
    }
}
