using Lepton.Data.Tables;
using Lepton.Registry.Store;

namespace Lepton.Factory.Loop.Tables;

/// <summary>One labelled row from the prediction log: the row a client sent (model columns, as logged) and the label it gave later.</summary>
public sealed record TableFeedbackExample(string PredictionId, IReadOnlyDictionary<string, object?> Row, string Label, DateTimeOffset ReceivedAt);

/// <summary>Labelled rows split into a training part and a holdout part by a stable hash of the prediction id.</summary>
public sealed record TableFeedbackData(IReadOnlyList<TableFeedbackExample> Train, IReadOnlyList<TableFeedbackExample> Holdout, FeedbackCounts Counts)
{
    public int Count => Train.Count + Holdout.Count;
}

/// <summary>
/// Gathers a table model's labelled feedback: every feedback record joined to its logged prediction whose row was logged (table
/// models log every row as a JSON object) and whose label is one of the champion's classes. Each prediction is one example (two
/// customers may share a row); the holdout is chosen as for images (<see cref="FeedbackCollector.IsHoldout"/>).
/// </summary>
public static class TableFeedbackCollector
{
    public static async Task<TableFeedbackData> CollectAsync(IRegistryStore store, string model, IReadOnlyList<string> classNames, double holdoutFraction,
        CancellationToken ct = default)
    {
        var labelled = await FeedbackCollector.ReadAllAsync(store, model, 1000, ct);
        var classes = classNames.ToHashSet(StringComparer.Ordinal);
        int withoutRow = 0, unknownLabel = 0;
        var train = new List<TableFeedbackExample>();
        var holdout = new List<TableFeedbackExample>();
        foreach (var item in labelled.OrderBy(i => i.Prediction.Id, StringComparer.Ordinal))
        {
            if (TableRowJson.Parse(item.Prediction.RawInputJson) is not { } row) { withoutRow++; continue; }
            if (!classes.Contains(item.Feedback.Label)) { unknownLabel++; continue; }
            var example = new TableFeedbackExample(item.Prediction.Id, row, item.Feedback.Label, item.Feedback.ReceivedAt);
            (FeedbackCollector.IsHoldout(example.PredictionId, holdoutFraction) ? holdout : train).Add(example);
        }
        return new TableFeedbackData(train, holdout, new FeedbackCounts(labelled.Count, withoutRow, unknownLabel, 0, 0, 0));
    }
}
