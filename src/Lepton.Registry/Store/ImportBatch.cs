namespace Lepton.Registry.Store;

/// <summary>
/// Records written as they are (run ids, version numbers, time stamps and actors kept) by
/// <see cref="IRegistryStore.ImportRecordsAsync"/>: what an archive carries from one store to another.
/// </summary>
public sealed record ImportBatch(IReadOnlyList<DatasetVersion> Datasets, IReadOnlyList<ImportRun> Runs, IReadOnlyList<ImportModel> Models);

/// <summary>A run with its metrics and its whole log.</summary>
public sealed record ImportRun(RunRecord Run, IReadOnlyList<RunMetric> Metrics, string Log);

/// <summary>A model with its versions (gaps allowed: LatestVersion may exceed the highest one) and its aliases.</summary>
public sealed record ImportModel(ModelRecord Model, IReadOnlyList<ModelVersion> Versions, IReadOnlyList<ImportAlias> Aliases);

/// <summary>An alias's current target and every move it made, oldest first.</summary>
public sealed record ImportAlias(AliasRecord Alias, IReadOnlyList<AliasChange> History);

/// <summary>What an import wrote; importing the same batch again reports only skips.</summary>
public sealed record ImportBatchResult(int VersionsImported, int VersionsSkipped, int RunsImported, int DatasetVersionsImported, int AliasMoves)
{
    /// <summary>True when the import wrote nothing (everything was already there).</summary>
    public bool IsEmpty => VersionsImported == 0 && RunsImported == 0 && DatasetVersionsImported == 0 && AliasMoves == 0;
}
