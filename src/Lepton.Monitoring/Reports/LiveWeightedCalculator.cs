using Lepton.NN.Serialization;
using Lepton.NN.Tasks;

namespace Lepton.Monitoring;

/// <summary>
/// A table model trained with a weight column (model.json's <c>metadata.weight_column</c>), scored on client feedback as its loss counted
/// the rows: each labelled row weighs the value of that column in the row it was asked about (rows logged without one are left out),
/// as <c>lepton eval</c> reports the weighted metrics beside the plain ones.
/// </summary>
internal static class LiveWeightedCalculator
{
    /// <summary>Null without a weight column in <paramref name="task"/> or without a labelled row that carried a weight.</summary>
    public static LiveWeighted? Compute(IReadOnlyList<LoggedLabel> labels, MonitoredTask task)
    {
        if (task.WeightColumn is not { } column || task.Kind == TaskKind.MultiLabel) return null;
        var kept = new List<(LoggedLabel Label, float Weight)>();
        foreach (var label in labels)
            if (WeightOf(label, column) is { } w) kept.Add((label, w));
        if (kept.Count == 0 || kept.Sum(k => (double)k.Weight) <= 0) return null;
        if (task.Kind != TaskKind.Regression)
        {
            double right = kept.Where(k => k.Label.Predicted == k.Label.Truth).Sum(k => (double)k.Weight), total = kept.Sum(k => (double)k.Weight);
            return new LiveWeighted(column, kept.Count) { Accuracy = right / total };
        }
        var predicted = new List<double>();
        var truth = new List<float>();
        var weights = new List<float>();
        int rows = 0;
        foreach (var (label, w) in kept)
        {
            if (LabelTexts.Values(label.Predicted) is not { } p || LabelTexts.Values(label.Truth) is not { } t || p.Length != t.Length || p.Length == 0) continue;
            for (int j = 0; j < p.Length; j++)
            {
                predicted.Add(p[j]);
                truth.Add((float)t[j]);
                weights.Add(w);
            }
            rows++;
        }
        if (rows == 0) return null;
        var loss = RegressionLoss.TryParse(task.Loss, out var parsed) && parsed is not null ? parsed : RegressionLoss.Squared;
        var metrics = loss.Metrics([.. predicted], [.. truth], [.. weights]);
        return new LiveWeighted(column, rows)
        {
            Mae = metrics.GetValueOrDefault("mae"),
            Rmse = metrics.GetValueOrDefault("rmse"),
            LossMetric = loss.Kind == RegressionLossKind.Squared ? null : loss.MetricTitle,
            LossValue = loss.Kind == RegressionLossKind.Squared ? null : loss.Score([.. predicted], [.. truth], [.. weights]),
        };
    }

    // The row's weight: a number (or numeric text) of 0 or more; anything else leaves the row out.
    private static float? WeightOf(LoggedLabel label, string column) =>
        label.Row is { } row && row.TryGetValue(column, out var value) && Lepton.Data.Tables.RowWeight.Read(value) is { } w ? (float)w : null;
}
