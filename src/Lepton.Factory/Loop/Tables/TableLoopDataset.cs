using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;

namespace Lepton.Factory.Loop.Tables;

/// <summary>
/// Records what a table challenger trains on as a table data set version named <c>&lt;model&gt;-feedback</c>: the base table's rows
/// with their split (a base without a test split gives a seeded fifth of its rows to test, so the challenger is scored on base rows
/// it never trained on), the feedback's training rows in the train split and the feedback holdout as the
/// validation split (never trained on). Feedback rows carry the logged model columns and the label; other columns are missing.
/// The manifest's source names the base data set, so a later loop starts again from it instead of stacking feedback twice.
/// </summary>
public static class TableLoopDataset
{
    public static async Task<FeedbackDatasetVersion> RecordAsync(ModelRegistry registry, string model, TableDatasetVersion baseData, string baseRef, int seed,
        TableFeedbackData feedback, string actor, CancellationToken ct = default)
    {
        var table = baseData.Table;
        var schema = baseData.Schema;
        string label = schema.LabelColumn ?? throw new InvalidDataException($"{baseRef} has no label column; the loop needs the data set the champion was trained on.");
        var baseSplit = BaseSplits(baseData, seed);
        var rows = feedback.Train.Select(e => (e, ImageSplits.Train)).Concat(feedback.Holdout.Select(e => (e, ImageSplits.Validation))).ToList();
        var columns = new List<TableColumn>();
        foreach (var column in table.Columns)
        {
            object?[] extra = [.. rows.Select(r => column.Name == label ? r.e.Label : r.e.Row.GetValueOrDefault(column.Name))];
            columns.Add(Append(column, extra));
        }
        var joined = new Table(columns);
        var splits = new TableSplits([.. baseSplit, .. rows.Select(r => r.Item2)], [.. Enumerable.Repeat<int?>(null, joined.RowCount)]);
        var recorded = await TableDatasets.RecordAsync(registry.Store, registry.Artifacts, FeedbackDataset.NameFor(model), joined, schema, splits, baseRef,
            $"loop: {baseRef} plus {feedback.Train.Count} feedback rows to train on and {feedback.Holdout.Count} held out (validation)", actor, ct);
        var version = recorded.Version;
        return new FeedbackDatasetVersion(version, $"{version.Name}@{version.Version}", !recorded.Existing,
            new Dictionary<string, string> { ["manifest"] = version.ContentHash });
    }

    /// <summary>The base rows' splits: as stored, validation folded into train; without a test split, a seeded fifth becomes test.</summary>
    public static IReadOnlyList<string> BaseSplits(TableDatasetVersion baseData, int seed)
    {
        int n = baseData.Table.RowCount;
        if (baseData.Splits is { } s && s.RowsOf(ImageSplits.Test).Length > 0)
            return [.. s.Split.Select(x => x == ImageSplits.Test ? ImageSplits.Test : ImageSplits.Train)];
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        var split = Enumerable.Repeat(ImageSplits.Train, n).ToArray();
        foreach (int r in order.Take(n / 5)) split[r] = ImageSplits.Test;
        return split;
    }

    // The column's values followed by the feedback's, converted to the column's kind (a wrong value becomes missing: serving checked it).
    private static TableColumn Append(TableColumn column, object?[] extra)
    {
        int n = column.Length;
        T? Convert<T>(Func<T?> read) where T : struct
        {
            try { return read(); }
            catch (ArgumentException) { return null; }
        }
        string? Text(object? v)
        {
            try { return CellValues.ToCategory(v, column.Name); }
            catch (ArgumentException) { return null; }
        }
        switch (column)
        {
            case NumericColumn num:
                return new NumericColumn(column.Name, [.. num.Values, .. extra.Select(v => Convert<double>(() => CellValues.ToNumber(v, column.Name, ColumnKind.Numeric)) ?? double.NaN)]);
            case BooleanColumn b:
                return new BooleanColumn(column.Name, [.. b.Values, .. extra.Select(v => Convert<double>(() => CellValues.ToNumber(v, column.Name, ColumnKind.Boolean)) is { } x && !double.IsNaN(x) ? x != 0 : (bool?)null)]);
            case DateTimeColumn:
                return new DateTimeColumn(column.Name, [.. Enumerable.Range(0, n).Select(r => (DateTime?)column.GetValue(r)), .. extra.Select(v => Convert(() => CellValues.ToTime(v, column.Name)))]);
            default:
                return new StringColumn(column.Name, column.Kind, [.. Enumerable.Range(0, n).Select(column.Format), .. extra.Select(Text)]);
        }
    }
}
