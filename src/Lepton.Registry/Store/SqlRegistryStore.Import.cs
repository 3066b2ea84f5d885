using System.Data.Common;

namespace Lepton.Registry.Store;

public abstract partial class SqlRegistryStore
{
    /// <summary>What one import attempt wrote; made afresh for each attempt, since a transient conflict replays the transaction.</summary>
    private sealed class ImportCounts
    {
        public int Versions, Skipped, Runs, Datasets, AliasMoves;

        public ImportBatchResult ToResult() => new(Versions, Skipped, Runs, Datasets, AliasMoves);
    }

    public Task<ImportBatchResult> ImportRecordsAsync(ImportBatch batch, string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckActor(actor);
        CheckImport(batch);
        return WriteAsync("import", async (c, tx) =>
        {
            var counts = new ImportCounts();
            foreach (var dataset in batch.Datasets.GroupBy(d => d.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                await ImportDatasetAsync(c, tx, dataset.OrderBy(d => d.Version).ToList(), counts, ct);
            foreach (var run in batch.Runs) await ImportRunAsync(c, tx, run, actor, counts, ct);
            var models = batch.Models.OrderBy(m => m.Model.Name, StringComparer.Ordinal).ToList();
            var aliases = new List<AliasImportPlan>();
            foreach (var model in models)
            {
                var present = await ImportModelVersionsAsync(c, tx, model, counts, ct);
                foreach (var alias in model.Aliases)
                {
                    if (await PlanAliasImportAsync(c, tx, alias, present, ct) is { } plan) aliases.Add(plan);
                }
            }
            await ApplyAliasImportsAsync(c, tx, aliases, counts, ct);
            var result = counts.ToResult();
            // Nothing new (a repeated import) leaves the audit log as it was, like every other no-op write.
            if (!result.IsEmpty)
            {
                var names = models.Select(m => m.Model.Name).ToList();
                await AuditAsync(c, tx, StoreClock.Now(), actor, "registry.import", names.Count == 0 ? "datasets-and-runs" : string.Join(",", names),
                    new
                    {
                        models = names, versions = result.VersionsImported, skipped = result.VersionsSkipped, runs = result.RunsImported,
                        datasets = result.DatasetVersionsImported, aliasMoves = result.AliasMoves,
                    }, ct);
            }
            return result;
        }, ct);
    }

    private static async Task ImportDatasetAsync(DbConnection c, DbTransaction tx, List<DatasetVersion> versions, ImportCounts counts, CancellationToken ct)
    {
        string name = versions[0].Name;
        await c.ExecuteAsync(tx, "INSERT INTO datasets (name, latest_version, created_at) VALUES (@name, 0, @at) ON CONFLICT (name) DO NOTHING", ct,
            ("@name", name), ("@at", StoreClock.ToMicroseconds(versions.Min(v => v.CreatedAt))));
        // Raising the counter first takes the dataset row's write lock, so a concurrent add numbers after the imported versions.
        await c.ExecuteAsync(tx, "UPDATE datasets SET latest_version = CASE WHEN latest_version < @last THEN @last ELSE latest_version END WHERE name = @name",
            ct, ("@name", name), ("@last", versions[^1].Version));
        foreach (var d in versions)
        {
            var present = await c.QuerySingleAsync(tx, $"SELECT {DatasetColumns} FROM dataset_versions WHERE name = @name AND version = @version",
                MapDataset, ct, ("@name", name), ("@version", d.Version));
            if (present is not null)
            {
                if (present.ContentHash != d.ContentHash)
                    throw new InvalidOperationException(
                        $"The target already has a different version {d.Version} of dataset '{name}' (content {present.ContentHash}, import {d.ContentHash}); " +
                        "nothing was imported. Import into another store.");
                continue;
            }
            if (d.ParentVersion is { } parent &&
                await c.ScalarAsync(tx, "SELECT 1 FROM dataset_versions WHERE name = @name AND version = @version", ct, ("@name", name), ("@version", parent)) is null)
                throw new InvalidOperationException(
                    $"Dataset '{name}' version {d.Version} names version {parent} as its parent, which neither the import nor the target holds; nothing was imported.");
            await c.ExecuteAsync(tx, $"""
                INSERT INTO dataset_versions ({DatasetColumns})
                VALUES (@name, @version, @hash, @manifest, @schema, @stats, @parent, @at, @by)
                """, ct, ("@name", name), ("@version", d.Version), ("@hash", d.ContentHash), ("@manifest", d.ManifestJson), ("@schema", d.SchemaJson),
                ("@stats", d.StatisticsJson), ("@parent", d.ParentVersion), ("@at", StoreClock.ToMicroseconds(d.CreatedAt)), ("@by", d.CreatedBy));
            counts.Datasets++;
        }
    }

    private async Task ImportRunAsync(DbConnection c, DbTransaction tx, ImportRun item, string actor, ImportCounts counts, CancellationToken ct)
    {
        var r = item.Run;
        var present = await c.QuerySingleAsync(tx, $"SELECT {RunColumns} FROM runs WHERE id = @id", MapRun, ct, ("@id", r.Id));
        if (present is not null)
        {
            // Run ids are random 128-bit values: the same id is the same run, imported before. Anything else is a forged or damaged record.
            if (present.Name != r.Name || present.StartedAt != r.StartedAt)
                throw new InvalidOperationException(
                    $"The target already has a run {r.Id} that is not the imported one (named '{present.Name}', not '{r.Name}'); nothing was imported.");
            return;
        }
        await c.ExecuteAsync(tx, $"INSERT INTO runs ({RunColumns}) VALUES (@id, @name, @status, @params, @started, @ended, @host, @code, @dataset, @seed, @error, @by)",
            ct, ("@id", r.Id), ("@name", r.Name), ("@status", StatusText(r.Status)), ("@params", r.ParametersJson),
            ("@started", StoreClock.ToMicroseconds(r.StartedAt)), ("@ended", StoreClock.ToMicroseconds(r.EndedAt)), ("@host", r.Host),
            ("@code", r.CodeVersion), ("@dataset", r.DatasetRef), ("@seed", r.Seed is { } s ? unchecked((long)s) : null), ("@error", r.Error),
            ("@by", r.StartedBy ?? actor));
        foreach (var m in item.Metrics)
            await c.ExecuteAsync(tx, "INSERT INTO run_metrics (run_id, step, metric_key, value, logged_at) VALUES (@run, @step, @key, @value, @at)", ct,
                ("@run", r.Id), ("@step", m.Step), ("@key", m.Key), ("@value", Dialect.ToDbDouble(m.Value)), ("@at", StoreClock.ToMicroseconds(m.At)));
        // The archive keeps the log as one text; its chunks' own times are not part of any record, so it lands as one chunk.
        if (item.Log.Length > 0)
            await c.ExecuteAsync(tx, "INSERT INTO run_logs (run_id, logged_at, content) VALUES (@run, @at, @text)", ct,
                ("@run", r.Id), ("@at", StoreClock.ToMicroseconds(r.EndedAt ?? r.StartedAt)), ("@text", item.Log));
        counts.Runs++;
    }
}
