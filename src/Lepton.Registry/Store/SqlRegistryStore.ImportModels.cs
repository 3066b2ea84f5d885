using System.Data.Common;

namespace Lepton.Registry.Store;

public abstract partial class SqlRegistryStore
{
    /// <summary>The moves of one imported alias that the target lacks, and where the alias ends up.</summary>
    private sealed record AliasImportPlan(AliasRecord Alias, IReadOnlyList<AliasChange> NewMoves);

    /// <summary>Creates the model when new, inserts the versions the target lacks as they are, and returns the version numbers now present.</summary>
    private async Task<HashSet<int>> ImportModelVersionsAsync(DbConnection c, DbTransaction tx, ImportModel model, ImportCounts counts, CancellationToken ct)
    {
        var name = model.Model.Name;
        await c.ExecuteAsync(tx, "INSERT INTO models (name, description, created_at, latest_version) VALUES (@name, @description, @at, 0) ON CONFLICT (name) DO NOTHING",
            ct, ("@name", name), ("@description", model.Model.Description), ("@at", StoreClock.ToMicroseconds(model.Model.CreatedAt)));
        // Holding the model row's lock keeps concurrent registrations out until the imported numbers and the raised counter commit.
        int latest = await LockModelAsync(c, tx, name, ct);
        var present = (await c.QueryAsync(tx, $"SELECT {VersionColumns} FROM model_versions WHERE model = @name", MapVersion, ct, ("@name", name)))
            .ToDictionary(v => v.Version);
        var imported = model.Versions.ToDictionary(v => v.Version);
        int last = Math.Max(model.Model.LatestVersion, imported.Keys.DefaultIfEmpty(0).Max());

        int deletedInSource = present.Keys.Where(n => n <= last && !imported.ContainsKey(n)).DefaultIfEmpty(0).Min();
        if (deletedInSource > 0)
            throw new InvalidOperationException(
                $"The target has version {deletedInSource} of model '{name}', which the import's source had deleted; nothing was imported. " +
                "Import into another store.");
        foreach (var version in model.Versions.OrderBy(v => v.Version))
        {
            if (present.TryGetValue(version.Version, out var existing))
            {
                if (!SameVersionContent(existing, version))
                    throw new InvalidOperationException(
                        $"The target already has a different version {version.Version} of model '{name}' (artifact {existing.ArtifactHash}, import " +
                        $"{version.ArtifactHash}); nothing was imported. Import into another store or delete that model there first.");
                counts.Skipped++;
                continue;
            }
            if (version.Version <= latest)
                throw new InvalidOperationException(
                    $"Cannot keep version {version.Version} of model '{name}': the target already used that number (and deleted it); nothing was imported. " +
                    "Import into another store.");
            await InsertVersionAsync(c, tx, version, ct);
            present[version.Version] = version;
            counts.Versions++;
        }
        if (last > latest)
            await c.ExecuteAsync(tx, "UPDATE models SET latest_version = @last WHERE name = @name", ct, ("@name", name), ("@last", last));
        return present.Keys.ToHashSet();
    }

    // Content, not provenance: the same artifact registered separately in both stores under the same number is the same version.
    private static bool SameVersionContent(ModelVersion a, ModelVersion b) =>
        a.ArtifactHash == b.ArtifactHash && a.ArchitectureSummary == b.ArchitectureSummary && a.MetricsJson == b.MetricsJson &&
        a.SignatureJson == b.SignatureJson && a.DatasetRef == b.DatasetRef;

    /// <summary>
    /// Compares the alias's history in the target with the imported one: when the target's is a prefix, the rest is to be appended;
    /// when the imported one is a prefix, the target is already newer and nothing is done; anything else is a conflict.
    /// </summary>
    private static async Task<AliasImportPlan?> PlanAliasImportAsync(DbConnection c, DbTransaction tx, ImportAlias alias, HashSet<int> versions,
        CancellationToken ct)
    {
        var (model, name) = (alias.Alias.Model, alias.Alias.Alias);
        var target = await c.QueryAsync(tx, """
            SELECT id, model, alias, previous_version, version, changed_at, actor, kind FROM alias_history
            WHERE model = @model AND alias = @alias ORDER BY id
            """, MapAliasChange, ct, ("@model", model), ("@alias", name));
        var source = alias.History;
        int common = 0;
        while (common < target.Count && common < source.Count && SameMove(target[common], source[common])) common++;
        if (common == source.Count) return null;
        if (common < target.Count)
            throw new InvalidOperationException(
                $"Alias '{name}' of model '{model}' has moved differently in the target (change {common + 1} of its history differs); nothing was imported. " +
                "Import into another store.");
        if (!versions.Contains(alias.Alias.Version))
            throw new InvalidOperationException($"Alias '{name}' of model '{model}' points at version {alias.Alias.Version}, which neither the import nor the target holds.");
        return new AliasImportPlan(alias.Alias, source.Skip(common).ToList());
    }

    private static bool SameMove(AliasChange a, AliasChange b) =>
        a.PreviousVersion == b.PreviousVersion && a.Version == b.Version && a.Kind == b.Kind && a.At == b.At && a.Actor == b.Actor;

    private async Task ApplyAliasImportsAsync(DbConnection c, DbTransaction tx, List<AliasImportPlan> plans, ImportCounts counts, CancellationToken ct)
    {
        // In the source's order across all aliases, so a fresh target numbers (and lists) the moves as the source did.
        foreach (var move in plans.SelectMany(p => p.NewMoves).OrderBy(m => m.Id))
        {
            await AddAliasHistoryAsync(c, tx, move.Model, move.Alias, move.PreviousVersion, move.Version, move.Kind, move.At, move.Actor, ct);
            counts.AliasMoves++;
        }
        foreach (var a in plans.Select(p => p.Alias))
            await c.ExecuteAsync(tx, """
                INSERT INTO model_aliases (model, alias, version, updated_at, updated_by) VALUES (@model, @alias, @version, @at, @by)
                ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, ct, ("@model", a.Model), ("@alias", a.Alias), ("@version", a.Version), ("@at", StoreClock.ToMicroseconds(a.UpdatedAt)),
                ("@by", a.UpdatedBy));
        foreach (var model in plans.Select(p => p.Alias.Model).Distinct(StringComparer.Ordinal)) await NoticeAliasChangeAsync(c, tx, model, ct);
    }
}
