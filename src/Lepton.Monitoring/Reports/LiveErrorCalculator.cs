using Lepton.NN.Tasks;

namespace Lepton.Monitoring;

/// <summary>
/// Live error of a regressor from its logged values and the values clients sent back: MAE and RMSE per target and their means,
/// and the share of values at or under the prediction (a quantile model's coverage).
/// </summary>
internal static class LiveErrorCalculator
{
    /// <summary>
    /// Null when no row parses. A row is skipped (and counted in <paramref name="skipped"/>) when either text is not a
    /// finite number or list of numbers, or when it does not hold one value per target: as many as
    /// <paramref name="targetNames"/>, or without names as many as the first row that parses.
    /// </summary>
    /// <remarks>
    /// With <paramref name="loss"/> (model.json's task.loss: <c>poisson</c>, <c>quantile=0.9</c>), the live value of that loss's
    /// metric over every target too, which a canary of such a regressor is judged by; an unreadable loss adds nothing.
    /// </remarks>
    public static LiveError? Compute(IReadOnlyList<LoggedLabel> labels, IReadOnlyList<string> targetNames, out int skipped, string? loss = null)
    {
        // A hand-edited model.json's unreadable loss costs its metric, never the report.
        var scoring = RegressionLoss.TryParse(loss, out var parsed) ? parsed : null;
        var pairs = scoring is null ? null : new List<(double Predicted, float Truth)>();
        int targets = targetNames.Count;
        var absolute = Array.Empty<double>();
        var squared = Array.Empty<double>();
        int rows = 0, under = 0;
        foreach (var label in labels)
        {
            if (LabelTexts.Values(label.Predicted) is not { } predicted || LabelTexts.Values(label.Truth) is not { } truth) continue;
            if (targets == 0) targets = predicted.Length;
            if (predicted.Length != targets || truth.Length != targets) continue;
            if (absolute.Length == 0)
            {
                absolute = new double[targets];
                squared = new double[targets];
            }
            for (int t = 0; t < targets; t++)
            {
                double e = predicted[t] - truth[t];
                absolute[t] += Math.Abs(e);
                squared[t] += e * e;
                if (truth[t] <= predicted[t]) under++;
                pairs?.Add((predicted[t], (float)truth[t]));
            }
            rows++;
        }
        skipped = labels.Count - rows;
        if (rows == 0) return null;
        var perTarget = Enumerable.Range(0, targets)
            .Select(t => new TargetError(NameOf(t, targets, targetNames), absolute[t] / rows, Math.Sqrt(squared[t] / rows)))
            .ToArray();
        return new LiveError(rows, perTarget.Average(t => t.Mae), perTarget.Average(t => t.Rmse), perTarget)
        {
            Coverage = (double)under / (rows * targets),
            LossMetric = scoring?.MetricTitle,
            LossValue = scoring is null ? null : scoring.Score([.. pairs!.Select(p => p.Predicted)], [.. pairs!.Select(p => p.Truth)]),
        };
    }

    /// <summary>The target's name in model.json, or the server's default names: "value" for one target, "value_i" for several.</summary>
    private static string NameOf(int t, int targets, IReadOnlyList<string> names) =>
        names.Count == targets ? names[t] : targets == 1 ? "value" : $"value_{t}";
}
