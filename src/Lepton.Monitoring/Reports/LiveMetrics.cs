using Lepton.NN.Serialization;

namespace Lepton.Monitoring;

/// <summary>The live metric a task calls for, from its labelled predictions: accuracy for classifiers, error for regressors.</summary>
internal sealed record LiveMetrics(LiveAccuracy? Accuracy, LiveError? Error, int Skipped)
{
    /// <summary>
    /// Multiclass: accuracy by exact label match; binary: the same plus the positive class's precision, recall and F1;
    /// multi-label: subset accuracy, micro F1 and per-label scores; regression: MAE and RMSE. <paramref name="classOrder"/>
    /// lists classes for a classifier whose model.json names none (the reference profile's).
    /// </summary>
    public static LiveMetrics Compute(IReadOnlyList<LoggedLabel> labels, MonitoredTask task, IReadOnlyList<string>? classOrder)
    {
        var classes = task.ClassNames.Count > 0 ? task.ClassNames : classOrder;
        switch (task.Kind)
        {
            case TaskKind.Binary:
                return new(LiveAccuracyCalculator.Compute(labels, task.ClassNames.Count == 2 ? task.ClassNames : ["negative", "positive"], task.PositiveClass), null, 0);
            case TaskKind.MultiLabel:
            {
                var accuracy = MultiLabelAccuracyCalculator.Compute(labels, task.ClassNames, out int skipped);
                return new(accuracy, null, skipped);
            }
            case TaskKind.Regression:
            {
                var error = LiveErrorCalculator.Compute(labels, task.TargetNames, out int skipped, task.Loss);
                return new(null, error, skipped);
            }
            default:
                return new(LiveAccuracyCalculator.Compute(labels, classes), null, 0);
        }
    }
}
