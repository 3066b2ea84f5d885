using System.Data.Common;

namespace Lepton.Registry.Store;

public abstract partial class SqlRegistryStore
{
    private const string VersionColumns =
        "model, version, artifact_hash, architecture_summary, metrics_json, run_id, dataset_ref, signature_json, created_at, created_by";

    public Task<ModelVersion> RegisterModelVersionAsync(NewModelVersion version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        StoreNames.Check(version.Model, "model");
        CheckArtifactHash(version.ArtifactHash);
        StoreNames.CheckText(version.ArchitectureSummary, "architecture summary");
        StoreNames.CheckText(version.MetricsJson, "metrics JSON");
        StoreNames.CheckText(version.SignatureJson, "signature JSON");
        CheckActor(version.CreatedBy);
        return WriteAsync("register", async (c, tx) =>
        {
            var now = StoreClock.Now();
            StoreFaults.Hit("register:begin");
            // One statement creates the model at version 1 or bumps its counter. Either way it takes the model row's
            // write lock, so concurrent registrations queue here and each sees the previous one's committed number:
            // unique and, because the bump rolls back with the insert, gap-free.
            int number = Convert.ToInt32(await c.ScalarAsync(tx, """
                INSERT INTO models (name, description, created_at, latest_version) VALUES (@name, '', @now, 1)
                ON CONFLICT (name) DO UPDATE SET latest_version = models.latest_version + 1
                RETURNING latest_version
                """, ct, ("@name", version.Model), ("@now", StoreClock.ToMicroseconds(now))));
            StoreFaults.Hit("register:after-version-number");
            var record = new ModelVersion(version.Model, number, version.ArtifactHash, version.ArchitectureSummary, version.MetricsJson, version.RunId,
                version.DatasetRef, version.SignatureJson, now, version.CreatedBy);
            await InsertVersionAsync(c, tx, record, ct);
            StoreFaults.Hit("register:after-insert-version");
            await AuditAsync(c, tx, now, version.CreatedBy, "model.register", $"{version.Model}@{number}",
                new { artifact = version.ArtifactHash, run = version.RunId, dataset = version.DatasetRef }, ct);
            StoreFaults.Hit("register:after-audit");
            return record;
        }, ct);
    }

    private static Task InsertVersionAsync(DbConnection c, DbTransaction tx, ModelVersion v, CancellationToken ct) =>
        c.ExecuteAsync(tx, $"INSERT INTO model_versions ({VersionColumns}) VALUES (@model, @version, @hash, @arch, @metrics, @run, @dataset, @signature, @at, @by)",
            ct, ("@model", v.Model), ("@version", v.Version), ("@hash", v.ArtifactHash), ("@arch", v.ArchitectureSummary), ("@metrics", v.MetricsJson),
            ("@run", v.RunId), ("@dataset", v.DatasetRef), ("@signature", v.SignatureJson), ("@at", StoreClock.ToMicroseconds(v.CreatedAt)),
            ("@by", v.CreatedBy));

    public Task<ModelRecord?> GetModelAsync(string name, CancellationToken ct = default)
    {
        StoreNames.Check(name, "model");
        return ReadAsync(c => c.QuerySingleAsync(null, "SELECT name, description, created_at, latest_version FROM models WHERE name = @name",
            MapModel, ct, ("@name", name)), ct);
    }

    public Task<IReadOnlyList<ModelRecord>> ListModelsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<ModelRecord>>(async c => await c.QueryAsync(null,
            "SELECT name, description, created_at, latest_version FROM models ORDER BY name", MapModel, ct), ct);

    public Task<ModelVersion?> GetModelVersionAsync(string name, int version, CancellationToken ct = default)
    {
        StoreNames.Check(name, "model");
        StoreNames.CheckVersion(version, "model");
        return ReadAsync(c => c.QuerySingleAsync(null, $"SELECT {VersionColumns} FROM model_versions WHERE model = @name AND version = @version",
            MapVersion, ct, ("@name", name), ("@version", version)), ct);
    }

    public Task<IReadOnlyList<ModelVersion>> ListModelVersionsAsync(string name, CancellationToken ct = default)
    {
        StoreNames.Check(name, "model");
        return ReadAsync<IReadOnlyList<ModelVersion>>(async c => await c.QueryAsync(null,
            $"SELECT {VersionColumns} FROM model_versions WHERE model = @name ORDER BY version", MapVersion, ct, ("@name", name)), ct);
    }

    public Task DeleteModelAsync(string name, int? version, string actor, CancellationToken ct = default)
    {
        StoreNames.Check(name, "model");
        if (version is { } v) StoreNames.CheckVersion(v, "model");
        CheckActor(actor);
        return WriteAsync("delete", async (c, tx) =>
        {
            var now = StoreClock.Now();
            await LockModelAsync(c, tx, name, ct);
            if (version is null)
            {
                int count = Convert.ToInt32(await c.ScalarAsync(tx, "SELECT COUNT(*) FROM model_versions WHERE model = @name", ct, ("@name", name)));
                // Versions, aliases and alias history go with the model row (ON DELETE CASCADE).
                await c.ExecuteAsync(tx, "DELETE FROM models WHERE name = @name", ct, ("@name", name));
                await AuditAsync(c, tx, now, actor, "model.delete", name, new { versions = count }, ct);
                await NoticeAliasChangeAsync(c, tx, name, ct);
                return true;
            }
            if (await c.ScalarAsync(tx, "SELECT 1 FROM model_versions WHERE model = @name AND version = @version", ct, ("@name", name), ("@version", version)) is null)
                throw new KeyNotFoundException($"Model '{name}' has no version {version}; list them with `lepton models show {name}`.");
            var aliases = await c.QueryAsync(tx, "SELECT alias FROM model_aliases WHERE model = @name AND version = @version", r => r.GetString(0), ct,
                ("@name", name), ("@version", version));
            foreach (var alias in aliases)
                await AddAliasHistoryAsync(c, tx, name, alias, version, null, AliasChangeKind.Delete, now, actor, ct);
            await c.ExecuteAsync(tx, "DELETE FROM model_aliases WHERE model = @name AND version = @version", ct, ("@name", name), ("@version", version));
            await c.ExecuteAsync(tx, "DELETE FROM model_versions WHERE model = @name AND version = @version", ct, ("@name", name), ("@version", version));
            await AuditAsync(c, tx, now, actor, "model.version.delete", $"{name}@{version}", new { removedAliases = aliases }, ct);
            if (aliases.Count > 0) await NoticeAliasChangeAsync(c, tx, name, ct);
            return true;
        }, ct);
    }

    /// <summary>Row-locks the model (PostgreSQL; SQLite already holds the database write lock) and returns its latest version number.</summary>
    private async Task<int> LockModelAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct)
    {
        var latest = await c.ScalarAsync(tx, $"SELECT latest_version FROM models WHERE name = @name{Dialect.ForUpdate}", ct, ("@name", name));
        return latest is null
            ? throw new KeyNotFoundException($"No model named '{name}' is registered; register one with `lepton models register {name} --from DIR`.")
            : Convert.ToInt32(latest);
    }

    private static void CheckArtifactHash(string? hash)
    {
        if (hash is null || hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"The artifact hash must be a SHA-256 as 64 lowercase hex digits, got '{hash}'.");
    }

    private static ModelRecord MapModel(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.Time(2), r.Int32(3));

    private static ModelVersion MapVersion(DbDataReader r) => new(r.GetString(0), r.Int32(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.NullableString(5), r.NullableString(6), r.GetString(7), r.Time(8), r.GetString(9));
}
