using Lepton.Data.Tables;
using Lepton.Data.Tables.Features;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Tables;

/// <summary>
/// What <c>lepton data lags</c> (and a recipe's <c>data.lags</c>) asks: lags and rolling windows of <paramref name="Target"/> (default:
/// the version's label) by the series of <paramref name="By"/>, ordered by <paramref name="Time"/> (default: the version's time column).
/// </summary>
public sealed record TableLagRequest(IReadOnlyList<int> Lags, IReadOnlyList<int> Windows, IReadOnlyList<string> By, string? Target = null, string? Time = null)
{
    /// <summary>Comma-separated names (<c>store,item</c>) as a list; empty for none.</summary>
    public static IReadOnlyList<string> Names(string? text) =>
        text is null ? [] : [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Comma-separated whole numbers (<c>1,7,28</c>) as a list (empty for none), or null when one is not a whole number.</summary>
    public static IReadOnlyList<int>? Numbers(string? text)
    {
        var numbers = new List<int>();
        foreach (var part in Names(text))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v)) return null;
            numbers.Add(v);
        }
        return numbers;
    }
}

/// <summary>A lag derivation recorded as a table version: the version, its note, the table with the added columns and their names.</summary>
public sealed record TableLagResult(DatasetVersion Version, string Note, Table Table, IReadOnlyList<string> Added);

public static partial class TableDatasets
{
    /// <summary>
    /// Adds lag and rolling-mean features of the target to table version <paramref name="parent"/> (<see cref="TableLags"/>) and
    /// records the result as its child, keeping its split.
    /// </summary>
    public static async Task<TableLagResult> LagsAsync(IRegistryStore store, IArtifactStore artifacts, DatasetVersion parent, TableLagRequest request,
        string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(request);
        if (!TableDatasetSummary.IsTableVersion(parent))
            throw new ArgumentException($"{parent.Name}@{parent.Version} is not a table; lags are taken of a table's target (import a CSV or Parquet file).");
        var data = await LoadAsync(artifacts, parent, ct);
        string name = $"{parent.Name}@{parent.Version}";
        var options = new LagOptions(
            request.Target ?? data.Schema.LabelColumn ?? throw new ArgumentException($"{name} has no label column; name the column to take lags of with --target."),
            request.By,
            request.Time ?? data.Schema.TimeColumn ?? throw new ArgumentException($"{name} has no time column; name the column that orders its rows with --time (or import it with --time-column)."),
            request.Lags, request.Windows);
        var table = TableLags.Add(data.Table, options);
        var added = table.ColumnNames.Skip(data.Table.Columns.Count).ToList();
        var note = $"lags of {name}: {string.Join(", ", added)}" + (options.SeriesColumns.Count > 0 ? $" by {string.Join(",", options.SeriesColumns)}" : "") +
                   $", ordered by {options.TimeColumn}";
        var version = await RecordDerivedAsync(store, artifacts, parent.Name, parent.Version, table, data.Schema.WithColumnsOf(table), data.Splits, note, actor, ct, options);
        return new TableLagResult(version, note, table, added);
    }
}
