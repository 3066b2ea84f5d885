namespace Lepton.Reports.Lineage;

/// <summary>One per-epoch metric of a training run (e.g. <c>loss</c>, <c>val_accuracy</c>): (epoch, value) in epoch order.</summary>
public sealed record RunCurve(string Key, IReadOnlyList<(int Step, double Value)> Points);

/// <summary>
/// Where a model came from, as far as the registry and its model.json know: the registered version, the training run (its
/// parameters and per-epoch metrics), the dataset version it was trained on and that version's ancestors, and the parent
/// model it was fine-tuned or transferred from.
/// </summary>
public sealed record ReportLineage(
    string Model,
    string Folder,
    int? Version,
    string? RunId,
    string? RunName,
    string? RunStatus,
    DateTimeOffset? RunStarted,
    string? CodeVersion,
    ulong? Seed,
    IReadOnlyDictionary<string, string> Parameters,
    string? TrainedOn,
    IReadOnlyList<string> DatasetAncestors,
    string? ParentModel,
    string? ModelSource,
    IReadOnlyList<RunCurve> Curves)
{
    /// <summary>What a model folder alone tells (no registry records).</summary>
    public static ReportLineage FolderOnly(string model, string folder) =>
        new(model, folder, null, null, null, null, null, null, null, new Dictionary<string, string>(), null, [], null, null, []);
}
