namespace Lepton.Registry.Store;

public abstract partial class SqlRegistryStore
{
    /// <summary>
    /// Checks an import batch before the transaction starts: it usually comes from a file anyone could have edited, and every
    /// record must obey the same rules as one written through the other calls (names, hashes, actors) and agree with its parent.
    /// </summary>
    private static void CheckImport(ImportBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch.Datasets);
        ArgumentNullException.ThrowIfNull(batch.Runs);
        ArgumentNullException.ThrowIfNull(batch.Models);
        var datasetVersions = new HashSet<(string, int)>();
        foreach (var d in batch.Datasets)
        {
            StoreNames.Check(d.Name, "dataset");
            StoreNames.CheckVersion(d.Version, "dataset");
            CheckArtifactHash(d.ContentHash);
            StoreNames.CheckText(d.ManifestJson, "manifest JSON");
            StoreNames.CheckText(d.SchemaJson, "schema JSON");
            StoreNames.CheckText(d.StatisticsJson, "statistics JSON");
            if (d.ParentVersion is { } parent && parent >= d.Version)
                throw new ArgumentException($"Dataset '{d.Name}' version {d.Version} names a parent ({parent}) that is not older than itself.");
            CheckActor(d.CreatedBy);
            if (!datasetVersions.Add((d.Name, d.Version))) throw new ArgumentException($"The import holds dataset '{d.Name}' version {d.Version} twice.");
        }

        var runIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in batch.Runs) CheckImportRun(item, runIds);

        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in batch.Models)
        {
            var name = StoreNames.Check(model.Model.Name, "model");
            if (!models.Add(name)) throw new ArgumentException($"The import holds model '{name}' twice.");
            StoreNames.CheckText(model.Model.Description, "model description");
            if (model.Model.LatestVersion < 0) throw new ArgumentException($"Model '{name}' has a negative latest version ({model.Model.LatestVersion}).");
            var numbers = new HashSet<int>();
            foreach (var v in model.Versions) CheckImportVersion(name, v, numbers);
            var aliases = new HashSet<string>(StringComparer.Ordinal);
            foreach (var alias in model.Aliases) CheckImportAlias(name, alias, aliases);
        }
    }

    private static void CheckImportRun(ImportRun item, HashSet<string> runIds)
    {
        var r = item.Run;
        CheckLabel(r.Id, "run id");
        if (!runIds.Add(r.Id)) throw new ArgumentException($"The import holds run {r.Id} twice.");
        CheckLabel(r.Name, "run name");
        StoreNames.CheckText(r.ParametersJson, "parameters JSON");
        StoreNames.CheckText(r.Host, "host");
        if (!Enum.IsDefined(r.Status)) throw new ArgumentException($"Run {r.Id} has an unknown status {r.Status}.");
        if ((r.Status == RunStatus.Running) != (r.EndedAt is null))
            throw new ArgumentException($"Run {r.Id} is {StatusText(r.Status)} but {(r.EndedAt is null ? "has no end time" : "has an end time")}.");
        if (r.StartedBy is not null) CheckActor(r.StartedBy);
        ArgumentNullException.ThrowIfNull(item.Log);
        var keys = new HashSet<(int, string)>();
        foreach (var m in item.Metrics)
        {
            if (m.RunId != r.Id) throw new ArgumentException($"A metric filed under run {r.Id} names run {m.RunId}.");
            if (m.Step < 0) throw new ArgumentException($"Run {r.Id} has a metric at step {m.Step}; steps are 0 or more.");
            CheckLabel(m.Key, "metric name");
            if (!keys.Add((m.Step, m.Key))) throw new ArgumentException($"Run {r.Id} holds metric '{m.Key}' at step {m.Step} twice.");
        }
    }

    private static void CheckImportVersion(string model, ModelVersion v, HashSet<int> numbers)
    {
        if (v.Model != model) throw new ArgumentException($"Version {v.Version} filed under model '{model}' names model '{v.Model}'.");
        StoreNames.CheckVersion(v.Version, "model");
        if (!numbers.Add(v.Version)) throw new ArgumentException($"The import holds version {v.Version} of model '{model}' twice.");
        CheckArtifactHash(v.ArtifactHash);
        StoreNames.CheckText(v.ArchitectureSummary, "architecture summary");
        StoreNames.CheckText(v.MetricsJson, "metrics JSON");
        StoreNames.CheckText(v.SignatureJson, "signature JSON");
        CheckActor(v.CreatedBy);
    }

    private static void CheckImportAlias(string model, ImportAlias alias, HashSet<string> aliases)
    {
        var a = alias.Alias;
        if (a.Model != model) throw new ArgumentException($"Alias '{a.Alias}' filed under model '{model}' names model '{a.Model}'.");
        StoreNames.CheckAlias(a.Alias);
        if (!aliases.Add(a.Alias)) throw new ArgumentException($"The import holds alias '{a.Alias}' of model '{model}' twice.");
        StoreNames.CheckVersion(a.Version, "model");
        CheckActor(a.UpdatedBy);
        if (alias.History.Count == 0 || alias.History[^1].Version != a.Version)
            throw new ArgumentException($"Alias '{a.Alias}' of model '{model}' must come with its history, whose last move points at version {a.Version}.");
        foreach (var move in alias.History)
        {
            if (move.Model != model || move.Alias != a.Alias)
                throw new ArgumentException($"The history of alias '{a.Alias}' of model '{model}' holds a move of '{move.Model}@{move.Alias}'.");
            if (!Enum.IsDefined(move.Kind)) throw new ArgumentException($"Alias '{a.Alias}' of model '{model}' has a move of unknown kind {move.Kind}.");
            CheckActor(move.Actor);
        }
    }
}
