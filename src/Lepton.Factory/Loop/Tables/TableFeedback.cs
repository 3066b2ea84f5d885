using System.Security.Cryptography;
using System.Text.Json;
using Lepton.Data.Tables;
using Lepton.Registry.Store;

namespace Lepton.Factory.Loop.Tables;

/// <summary>One labelled row from the prediction log: the row a client sent (model columns, as logged) and the label it gave later.</summary>
public sealed record TableFeedbackExample(string PredictionId, IReadOnlyDictionary<string, object?> Row, string Label, DateTimeOffset ReceivedAt);

/// <summary>Labelled rows split into a training part and a holdout part by a stable hash of the row's values.</summary>
public sealed record TableFeedbackData(IReadOnlyList<TableFeedbackExample> Train, IReadOnlyList<TableFeedbackExample> Holdout, FeedbackCounts Counts)
{
    public int Count => Train.Count + Holdout.Count;
}

/// <summary>
/// Gathers a table model's labelled feedback: every feedback record joined to its logged prediction whose row was logged (table
/// models log every row as a JSON object) and whose label is one of the champion's classes (for a regressor, which names no
/// classes: a finite number). Each prediction is one example (two
/// customers may share a row), but rows with the same values fall on the same side of the split: the holdout is chosen by a hash
/// of the row (its columns in name order), as for images (<see cref="FeedbackCollector.IsHoldout"/>).
/// </summary>
public static class TableFeedbackCollector
{
    public static async Task<TableFeedbackData> CollectAsync(IRegistryStore store, string model, IReadOnlyList<string> classNames, double holdoutFraction,
        CancellationToken ct = default)
    {
        var labelled = await FeedbackCollector.ReadAllAsync(store, model, 1000, ct);
        var classes = classNames.ToHashSet(StringComparer.Ordinal);
        int withoutRow = 0, unknownLabel = 0;
        var usable = new List<(TableFeedbackExample Example, string Key)>();
        foreach (var item in labelled)
        {
            if (TableRowJson.Parse(item.Prediction.RawInputJson) is not { } row) { withoutRow++; continue; }
            bool known = classes.Count > 0 ? classes.Contains(item.Feedback.Label)
                : double.TryParse(item.Feedback.Label, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value) && double.IsFinite(value);
            if (!known) { unknownLabel++; continue; }
            usable.Add((new TableFeedbackExample(item.Prediction.Id, row, item.Feedback.Label, item.Feedback.ReceivedAt), RowHash(row)));
        }
        var train = new List<TableFeedbackExample>();
        var holdout = new List<TableFeedbackExample>();
        foreach (var (example, key) in usable.OrderBy(u => u.Key, StringComparer.Ordinal).ThenBy(u => u.Example.PredictionId, StringComparer.Ordinal))
            (FeedbackCollector.IsHoldout(key, holdoutFraction) ? holdout : train).Add(example);
        return new TableFeedbackData(train, holdout, new FeedbackCounts(labelled.Count, withoutRow, unknownLabel, 0, 0, 0));
    }

    /// <summary>SHA-256 (hex) of the row's columns in ordinal name order, so the same values give the same key whatever order they were sent in.</summary>
    public static string RowHash(IReadOnlyDictionary<string, object?> row)
    {
        var ordered = new SortedDictionary<string, object?>(row.ToDictionary(), StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(ordered)));
    }
}
