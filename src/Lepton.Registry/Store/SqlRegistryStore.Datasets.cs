using System.Data.Common;

namespace Lepton.Registry.Store;

public abstract partial class SqlRegistryStore
{
    private const string DatasetColumns =
        "name, version, content_hash, manifest_json, schema_json, statistics_json, parent_version, created_at, created_by";

    public Task<DatasetVersion> AddDatasetVersionAsync(string name, string contentHash, string manifestJson, string schemaJson, string statisticsJson,
        int? parentVersion, string actor, CancellationToken ct = default)
    {
        StoreNames.Check(name, "dataset");
        CheckArtifactHash(contentHash);
        StoreNames.CheckText(manifestJson, "manifest JSON");
        StoreNames.CheckText(schemaJson, "schema JSON");
        StoreNames.CheckText(statisticsJson, "statistics JSON");
        if (parentVersion is { } p) StoreNames.CheckVersion(p, "parent dataset");
        CheckActor(actor);
        return WriteAsync("dataset", async (c, tx) =>
        {
            var now = StoreClock.Now();
            await c.ExecuteAsync(tx, "INSERT INTO datasets (name, latest_version, created_at) VALUES (@name, 0, @now) ON CONFLICT (name) DO NOTHING",
                ct, ("@name", name), ("@now", StoreClock.ToMicroseconds(now)));
            int number = Convert.ToInt32(await c.ScalarAsync(tx, "UPDATE datasets SET latest_version = latest_version + 1 WHERE name = @name RETURNING latest_version",
                ct, ("@name", name)));
            if (parentVersion is { } parent &&
                await c.ScalarAsync(tx, "SELECT 1 FROM dataset_versions WHERE name = @name AND version = @version", ct, ("@name", name), ("@version", parent)) is null)
                throw new KeyNotFoundException($"Dataset '{name}' has no version {parent} to use as the parent; list them with `lepton data list`.");
            var record = new DatasetVersion(name, number, contentHash, manifestJson, schemaJson, statisticsJson, parentVersion, now, actor);
            await c.ExecuteAsync(tx, $"""
                INSERT INTO dataset_versions ({DatasetColumns})
                VALUES (@name, @version, @hash, @manifest, @schema, @stats, @parent, @at, @by)
                """, ct, ("@name", name), ("@version", number), ("@hash", contentHash), ("@manifest", manifestJson), ("@schema", schemaJson),
                ("@stats", statisticsJson), ("@parent", parentVersion), ("@at", StoreClock.ToMicroseconds(now)), ("@by", actor));
            await AuditAsync(c, tx, now, actor, "dataset.add", $"{name}@{number}", new { hash = contentHash, parent = parentVersion }, ct);
            return record;
        }, ct);
    }

    public Task<DatasetVersion?> GetDatasetVersionAsync(string name, int version, CancellationToken ct = default)
    {
        StoreNames.Check(name, "dataset");
        StoreNames.CheckVersion(version, "dataset");
        return ReadAsync(c => c.QuerySingleAsync(null, $"SELECT {DatasetColumns} FROM dataset_versions WHERE name = @name AND version = @version",
            MapDataset, ct, ("@name", name), ("@version", version)), ct);
    }

    public Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(string? name = null, CancellationToken ct = default)
    {
        if (name is not null) StoreNames.Check(name, "dataset");
        string sql = name is null
            ? $"SELECT {DatasetColumns} FROM dataset_versions ORDER BY name, version"
            : $"SELECT {DatasetColumns} FROM dataset_versions WHERE name = @name ORDER BY version";
        var parameters = name is null ? [] : new[] { ("@name", (object?)name) };
        return ReadAsync<IReadOnlyList<DatasetVersion>>(async c => await c.QueryAsync(null, sql, MapDataset, ct, parameters), ct);
    }

    private static DatasetVersion MapDataset(DbDataReader r) => new(r.GetString(0), r.Int32(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetString(5), r.NullableInt32(6), r.Time(7), r.GetString(8));
}
