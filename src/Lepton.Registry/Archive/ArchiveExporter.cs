using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;

namespace Lepton.Registry.Archive;

/// <summary>Collects everything an archive of some models needs: records, and the artifact hashes they reference.</summary>
internal static class ArchiveExporter
{
    public static async Task<RegistryArchiveContents> CollectAsync(IRegistryStore store, IArtifactStore artifacts, string? modelName,
        CancellationToken ct)
    {
        IReadOnlyList<ModelRecord> models;
        if (modelName is null)
        {
            models = await store.ListModelsAsync(ct);
        }
        else
        {
            var one = await store.GetModelAsync(modelName, ct)
                ?? throw new KeyNotFoundException($"There is no model named '{modelName}' to export; `lepton models list` shows them.");
            models = [one];
        }

        var archived = new List<ArchivedModel>();
        var runIds = new SortedSet<string>(StringComparer.Ordinal);
        var datasetRefs = new SortedSet<string>(StringComparer.Ordinal);
        var hashes = new SortedSet<string>(StringComparer.Ordinal);
        var packages = new ModelPackage(artifacts);
        foreach (var model in models.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var versions = (await store.ListModelVersionsAsync(model.Name, ct)).OrderBy(v => v.Version).ToList();
            var aliases = new List<ArchivedAlias>();
            foreach (var alias in (await store.ListAliasesAsync(model.Name, ct)).OrderBy(a => a.Alias, StringComparer.Ordinal))
                aliases.Add(new ArchivedAlias(alias, (await store.GetAliasHistoryAsync(model.Name, alias.Alias, ct)).OrderBy(h => h.Id).ToList()));
            foreach (var v in versions)
            {
                if (v.RunId is { } run) runIds.Add(run);
                if (v.DatasetRef is { } ds) datasetRefs.Add(ds);
                hashes.Add(v.ArtifactHash);
                var manifest = await packages.ReadManifestAsync(v.ArtifactHash, ct);
                foreach (var file in manifest.Files.Values) hashes.Add(file.Sha256);
            }
            archived.Add(new ArchivedModel(model, versions, aliases));
        }

        var runs = new List<ArchivedRun>();
        foreach (var id in runIds)
        {
            if (await store.GetRunAsync(id, ct) is not { } run) continue; // the version keeps the id; the run record is gone
            if (run.DatasetRef is { } ds) datasetRefs.Add(ds);
            runs.Add(new ArchivedRun(run, (await store.GetRunMetricsAsync(id, ct)).OrderBy(m => m.Step).ThenBy(m => m.Key, StringComparer.Ordinal).ToList(),
                await store.GetRunLogAsync(id, ct)));
        }

        // Every version of each named dataset travels, so version numbers and parent links survive the import.
        var datasets = new List<DatasetVersion>();
        var datasetNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var reference in datasetRefs)
        {
            if (DatasetRef.TryParse(reference, out var name, out _)) datasetNames.Add(name);
        }
        foreach (var name in datasetNames)
        {
            foreach (var dataset in await store.ListDatasetVersionsAsync(name, ct))
            {
                datasets.Add(dataset);
                if (await artifacts.ExistsAsync(dataset.ContentHash, ct)) hashes.Add(dataset.ContentHash);
            }
        }
        datasets.Sort((a, b) => a.Name != b.Name ? string.CompareOrdinal(a.Name, b.Name) : a.Version.CompareTo(b.Version));

        return new RegistryArchiveContents(RegistryArchiveContents.FormatName, RegistryArchiveContents.CurrentFormatVersion, DateTimeOffset.UtcNow,
            store.Backend, archived, runs, datasets, hashes.ToList());
    }
}
