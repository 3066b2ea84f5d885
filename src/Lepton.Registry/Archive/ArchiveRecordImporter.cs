using Lepton.Registry.Store;

namespace Lepton.Registry.Archive;

/// <summary>
/// Writes an archive's records through the public store interface, keeping version numbers: versions are registered
/// in order, and a number the source had deleted is recreated as a placeholder and deleted again, so the target's
/// counter ends where the source's did. Every step first checks what the target already holds, so re-running an
/// import (after a crash or on purpose) completes it without duplicating anything.
/// </summary>
internal sealed class ArchiveRecordImporter(IRegistryStore store, string actor)
{
    internal const string PlaceholderSummary = "placeholder for a version deleted before export (removed by import)";
    internal const string EmptyBlobHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly Dictionary<string, string> _runIds = new(StringComparer.Ordinal);
    private int _versionsImported, _versionsSkipped, _runsImported, _datasetsImported, _aliasMoves;

    public async Task<ArchiveImportResult> ImportAsync(RegistryArchiveContents contents, int artifactsWritten, CancellationToken ct)
    {
        foreach (var dataset in contents.Datasets.OrderBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.Version))
            await ImportDatasetAsync(dataset, ct);
        var runs = contents.Runs.ToDictionary(r => r.Run.Id, StringComparer.Ordinal);
        foreach (var model in contents.Models)
        {
            await ImportVersionsAsync(model, runs, ct);
            await ImportAliasesAsync(model, ct);
        }
        return new ArchiveImportResult(contents.Models.Select(m => m.Model.Name).ToList(), artifactsWritten, _versionsImported, _versionsSkipped,
            _runsImported, _datasetsImported, _aliasMoves);
    }

    private async Task ImportDatasetAsync(DatasetVersion d, CancellationToken ct)
    {
        if (await store.GetDatasetVersionAsync(d.Name, d.Version, ct) is { } existing)
        {
            if (existing.ContentHash != d.ContentHash)
                throw new InvalidOperationException(
                    $"The target already has a different version {d.Version} of dataset '{d.Name}' (content {existing.ContentHash}, archive {d.ContentHash}); " +
                    "import into another store.");
            return;
        }
        int latest = (await store.ListDatasetVersionsAsync(d.Name, ct)).Select(v => v.Version).DefaultIfEmpty(0).Max();
        if (latest + 1 != d.Version)
            throw new InvalidOperationException(
                $"Cannot keep dataset '{d.Name}' version {d.Version}: the target's next version is {latest + 1}; import into another store.");
        var added = await store.AddDatasetVersionAsync(d.Name, d.ContentHash, d.ManifestJson, d.SchemaJson, d.StatisticsJson, d.ParentVersion,
            d.CreatedBy, ct);
        if (added.Version != d.Version)
            throw new InvalidOperationException($"Dataset '{d.Name}' got version {added.Version} instead of {d.Version}: someone added one at the same time; run the import again.");
        _datasetsImported++;
    }

    private async Task ImportVersionsAsync(ArchivedModel model, Dictionary<string, ArchivedRun> runs, CancellationToken ct)
    {
        var name = model.Model.Name;
        var byNumber = model.Versions.ToDictionary(v => v.Version);
        int latest = (await store.GetModelAsync(name, ct))?.LatestVersion ?? 0;
        int last = Math.Max(model.Model.LatestVersion, byNumber.Keys.DefaultIfEmpty(0).Max());
        for (int n = 1; n <= last; n++)
        {
            var existing = await store.GetModelVersionAsync(name, n, ct);
            if (byNumber.TryGetValue(n, out var source))
            {
                if (existing is not null)
                {
                    if (!SameVersion(existing, source))
                        throw new InvalidOperationException(
                            $"The target already has a different version {n} of model '{name}' (artifact {existing.ArtifactHash}, archive {source.ArtifactHash}); " +
                            "import into another store or delete that model there first.");
                    _versionsSkipped++;
                }
                else if (latest >= n)
                {
                    throw new InvalidOperationException(
                        $"Cannot keep version {n} of model '{name}': the target already used that number (and deleted it); import into another store.");
                }
                else
                {
                    var runId = source.RunId is { } id ? await ImportRunAsync(id, runs, ct) : null;
                    var added = await store.RegisterModelVersionAsync(new NewModelVersion(name, source.ArtifactHash, source.ArchitectureSummary,
                        source.MetricsJson, runId, source.DatasetRef, source.SignatureJson, source.CreatedBy), ct);
                    CheckNumber(added, n);
                    _versionsImported++;
                }
            }
            else if (existing is not null)
            {
                if (existing.ArchitectureSummary != PlaceholderSummary)
                    throw new InvalidOperationException(
                        $"The target has version {n} of model '{name}', which the archive's source had deleted; import into another store.");
                await store.DeleteModelAsync(name, n, actor, ct); // left by an import that stopped half-way
            }
            else if (latest < n)
            {
                var placeholder = await store.RegisterModelVersionAsync(new NewModelVersion(name, EmptyBlobHash, PlaceholderSummary, "{}", null, null, "{}",
                    actor), ct);
                CheckNumber(placeholder, n);
                await store.DeleteModelAsync(name, n, actor, ct);
            }
            latest = Math.Max(latest, n);
        }
    }

    private async Task<string> ImportRunAsync(string sourceId, Dictionary<string, ArchivedRun> runs, CancellationToken ct)
    {
        if (_runIds.TryGetValue(sourceId, out var mapped)) return mapped;
        if (!runs.TryGetValue(sourceId, out var archived)) return sourceId; // the source had lost the run record too
        var r = archived.Run;
        var run = await store.StartRunAsync(r.Name, r.ParametersJson, r.Host, r.CodeVersion, r.DatasetRef, r.Seed, actor, ct);
        foreach (var step in archived.Metrics.GroupBy(m => m.Step).OrderBy(g => g.Key))
            await store.LogMetricsAsync(run.Id, step.Key, step.ToDictionary(m => m.Key, m => m.Value), ct);
        if (archived.Log.Length > 0) await store.AppendRunLogAsync(run.Id, archived.Log, ct);
        if (r.Status != RunStatus.Running) await store.EndRunAsync(run.Id, r.Status, r.Error, actor, ct);
        _runIds[sourceId] = run.Id;
        _runsImported++;
        return run.Id;
    }

    private async Task ImportAliasesAsync(ArchivedModel model, CancellationToken ct)
    {
        var name = model.Model.Name;
        var present = (await store.ListModelVersionsAsync(name, ct)).Select(v => v.Version).ToHashSet();
        foreach (var archived in model.Aliases)
        {
            var alias = archived.Alias.Alias;
            var current = await store.GetAliasAsync(name, alias, ct);
            if (current is null)
            {
                // Replays the moves so promote/rollback history reads the same in the target.
                foreach (var change in archived.History)
                {
                    if (change.Version is not { } v || !present.Contains(v)) continue;
                    current = await store.SetAliasAsync(name, alias, v, change.Actor, ct);
                    _aliasMoves++;
                }
            }
            if (current?.Version != archived.Alias.Version)
            {
                await store.SetAliasAsync(name, alias, archived.Alias.Version, archived.Alias.UpdatedBy, ct);
                _aliasMoves++;
            }
        }
    }

    private static bool SameVersion(ModelVersion a, ModelVersion b) =>
        a.ArtifactHash == b.ArtifactHash && a.ArchitectureSummary == b.ArchitectureSummary && a.MetricsJson == b.MetricsJson &&
        a.SignatureJson == b.SignatureJson && a.DatasetRef == b.DatasetRef;

    private static void CheckNumber(ModelVersion added, int expected)
    {
        if (added.Version != expected)
            throw new InvalidOperationException(
                $"Model '{added.Model}' got version {added.Version} instead of {expected}: someone registered one at the same time; run the import again.");
    }
}
