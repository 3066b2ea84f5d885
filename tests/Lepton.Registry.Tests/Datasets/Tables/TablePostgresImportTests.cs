using System.Text.Json;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Artifacts;
using Lepton.Registry.Tests.Store;
using Npgsql;

namespace Lepton.Registry.Tests.Datasets.Tables;

/// <summary>
/// Table versions imported from a PostgreSQL query on a real (throw-away) server: each column's type read as its kind, NULLs
/// as missing values, identity by content (the same rows again are the same version), the query in the manifest and the
/// password nowhere; a query that writes, a column no table holds, too many rows and a wrong SQL refused, recording nothing.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TablePostgresImportTests(PostgresClusterFixture cluster) : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private IRegistryStore _store = null!;
    private FileArtifactStore _artifacts = null!;
    private string _connection = "";
    private string _schema = "";

    // The database as a user names it: a URL, the server trusting local connections (no password needed).
    private string Url
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(_connection);
            return $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
        }
    }

    public async Task InitializeAsync()
    {
        _store = await RegistryStoreFactory.OpenAsync($"sqlite:{_temp.Sub("registry.db")}");
        _artifacts = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("artifacts")));
        _connection = await cluster.NewSchemaAsync();
        _schema = new NpgsqlConnectionStringBuilder(_connection).SearchPath!;
        await ExecuteAsync($"""
            CREATE TABLE {_schema}.customers (id int8 PRIMARY KEY, tenure int4, monthly numeric(8,2), score float8, plan text, pro bool,
                signed date, last_seen timestamptz, uid uuid, note varchar(40), churned text, photo bytea);
            INSERT INTO {_schema}.customers
            SELECT i, i % 37, round((20 + i % 7 * 5.5)::numeric, 2), i * 0.25, CASE WHEN i % 3 = 0 THEN 'pro' ELSE 'basic' END, i % 2 = 0,
                   date '2024-01-01' + i, timestamptz '2024-06-01 12:00:00+00' + i * interval '1 hour', md5(i::text)::uuid,
                   CASE WHEN i % 10 = 0 THEN NULL ELSE 'note ' || (i % 4) END, CASE WHEN i % 4 = 0 THEN 'yes' ELSE 'no' END, '\x00'::bytea
            FROM generate_series(1, 60) AS i;
            UPDATE {_schema}.customers SET monthly = NULL, pro = NULL, signed = NULL WHERE id = 7;
            """);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task<TableImportResult> ImportAsync(string query, string? url = null, TableReadOptions? read = null) =>
        TableDatasets.ImportAsync(_store, _artifacts, url ?? Url, "customers", new TableImportOptions("churned", Read: read) { Query = query }, "tester");

    private string Select => $"SELECT id, tenure, monthly, score, plan, pro, signed, last_seen, uid, note, churned FROM {_schema}.customers ORDER BY id";

    [Fact]
    public async Task Query_ReadsEachTypeAsItsKind_AndTheSameRowsAreTheSameVersion()
    {
        var first = await ImportAsync(Select);
        var t = first.Table;
        Assert.Equal(60, t.RowCount);
        Assert.Equal(ColumnKind.Identifier, t["id"].Kind);
        Assert.Equal(ColumnKind.Numeric, t["tenure"].Kind);
        Assert.Equal(ColumnKind.Numeric, t["monthly"].Kind);
        Assert.Equal(ColumnKind.Boolean, t["pro"].Kind);
        Assert.Equal(ColumnKind.DateTime, t["signed"].Kind);
        Assert.Equal(ColumnKind.DateTime, t["last_seen"].Kind);
        Assert.Equal(ColumnKind.Categorical, t["plan"].Kind);
        Assert.Equal(ColumnKind.Identifier, t["uid"].Kind);
        Assert.Equal(ColumnKind.Categorical, t["churned"].Kind);
        Assert.Equal("churned", first.Schema.LabelColumn);
        var monthly = (NumericColumn)t["monthly"];
        Assert.Equal(25.5, monthly.Values[0], 12); // id 1: 20 + 1 · 5.5
        Assert.True(monthly.IsMissing(6) && t["pro"].IsMissing(6) && t["signed"].IsMissing(6)); // id 7's NULLs
        Assert.True(t["note"].IsMissing(9));
        Assert.Equal(new DateTime(2024, 6, 1, 13, 0, 0, DateTimeKind.Utc), ((DateTimeColumn)t["last_seen"]).GetValue(0));

        using var manifest = JsonDocument.Parse(first.Version.ManifestJson);
        Assert.Equal(Select, manifest.RootElement.GetProperty("query").GetString());
        Assert.Equal(Url, manifest.RootElement.GetProperty("source").GetString());

        Assert.True((await ImportAsync(Select)).Existing);
        await ExecuteAsync($"INSERT INTO {_schema}.customers (id, tenure, plan, churned) VALUES (61, 3, 'pro', 'yes')");
        var second = await ImportAsync(Select);
        Assert.Equal((2, 1, 61), (second.Version.Version, second.Version.ParentVersion!.Value, second.Table.RowCount));
    }

    [Fact]
    public async Task WritesUnreadableColumnsTooManyRowsAndWrongSql_AreRefused_AndRecordNothing()
    {
        var e = await Assert.ThrowsAsync<TableReadException>(() => ImportAsync($"DELETE FROM {_schema}.customers WHERE id = 1 RETURNING *"));
        Assert.Contains("read-only transaction", e.Message);
        e = await Assert.ThrowsAsync<TableReadException>(() => ImportAsync($"SELECT id, photo, churned FROM {_schema}.customers"));
        Assert.Contains("column 'photo' is bytea, which a table cannot hold; cast it in the query", e.Message);
        e = await Assert.ThrowsAsync<TableReadException>(() => ImportAsync(Select, read: new TableReadOptions(MaxRows: 50)));
        Assert.Contains("more than 50 rows", e.Message);
        e = await Assert.ThrowsAsync<TableReadException>(() => ImportAsync($"SELEC * FROM {_schema}.customers"));
        Assert.Contains("refused the query: syntax error", e.Message);
        e = await Assert.ThrowsAsync<TableReadException>(() => ImportAsync($"SELECT id + 1, churned FROM {_schema}.customers"));
        Assert.Contains("has no name; give it one with AS", e.Message);
        // A wrong password is reported without it.
        var b = new NpgsqlConnectionStringBuilder(_connection);
        e = await Assert.ThrowsAsync<TableReadException>(() => ImportAsync(Select, $"postgres://nobody:s3cret@{b.Host}:{b.Port}/{b.Database}"));
        Assert.DoesNotContain("s3cret", e.Message);
        Assert.Contains($"postgres://nobody@{b.Host}:{b.Port}/{b.Database}", e.Message);
        Assert.Empty(await _store.ListDatasetVersionsAsync("customers"));
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {_schema}.customers", connection);
        Assert.Equal(60L, await count.ExecuteScalarAsync());
    }
}
