using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Tables;

/// <summary>A split recorded as a table version: the version (reused when the same split exists), the note it carries and its splits.</summary>
public sealed record TableSplitResult(DatasetVersion Version, string Note, TableSplits Splits);

public static partial class TableDatasets
{
    /// <summary>
    /// Splits table version <paramref name="parent"/> and records the result as its child (<c>lepton data split</c>). The
    /// import's time column orders the split (the latest rows in test) unless it is given a group column or told to
    /// <see cref="TableSplitOptions.Shuffle"/>; else the import's group column keeps groups on one side. Stratifying a regression
    /// label is refused.
    /// </summary>
    public static async Task<TableSplitResult> SplitAsync(IRegistryStore store, IArtifactStore artifacts, DatasetVersion parent, TableSplitOptions options,
        string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(options);
        var data = await LoadAsync(artifacts, parent, ct);
        string name = $"{parent.Name}@{parent.Version}";
        if (options.Shuffle && options.TimeColumn is not null)
            throw new ArgumentException("--shuffle splits by hash and --time-column by time; drop one of them.");
        if (options.TimeColumn is null && options.GroupColumn is null && !options.Shuffle && data.Schema.TimeColumn is { } imported)
        {
            if (options.Stratify || options.Folds >= 2)
                throw new ArgumentException($"{name} is ordered in time by '{imported}' (its import's --time-column), so its split puts the latest rows in test; " +
                    $"{(options.Stratify ? "--stratify" : "--folds")} deals rows by hash instead. Add --shuffle to split by hash anyway (newer rows then train models tested on older ones), or drop {(options.Stratify ? "--stratify" : "--folds")}.");
            options = options with { TimeColumn = imported };
        }
        options = options with { GroupColumn = options.GroupColumn ?? (options.TimeColumn is null ? data.Schema.GroupColumn : null) };
        if (options.Stratify && data.Schema.Task == TableTask.Regression)
            throw new ArgumentException($"{name} is a regression table; --stratify keeps class shares and needs a classification label. Drop --stratify.");
        var splits = TableSplitter.Split(data.Table, options, data.Schema.LabelColumn);
        var note = $"split of {name}: test {options.Test}, validation {options.Validation}" +
                   $"{(options.Stratify ? ", stratified" : "")}{(options.GroupColumn is { } g ? $", grouped by {g}" : "")}{(options.TimeColumn is { } tc ? $", time-ordered by {tc}" : "")}" +
                   $"{(options.Folds >= 2 ? $", {options.Folds} folds" : "")}, seed {options.Seed}";
        var version = await RecordDerivedAsync(store, artifacts, parent.Name, parent.Version, data.Table, data.Schema, splits, note, actor, ct);
        return new TableSplitResult(version, note, splits);
    }
}
