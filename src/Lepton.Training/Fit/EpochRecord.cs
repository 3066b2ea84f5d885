using Lepton.Training.Metrics;

namespace Lepton.Training;

/// <summary>
/// The metrics of one finished epoch. Accuracy is null when the task measures none; validation values are null
/// without a validation set; <see cref="Metrics"/> holds the task's other metrics (<c>f1</c>, <c>val_rmse</c>, ...).
/// Epoch counts from 1.
/// </summary>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double? TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double LearningRate,
    TimeSpan Duration,
    double SamplesPerSecond,
    int Samples)
{
    /// <summary>Metric names understood by <see cref="Get"/> (Keras names), besides the built-in metrics of <see cref="MetricCatalog"/>.</summary>
    public static IReadOnlyList<string> MetricNames { get; } = ["loss", "accuracy", "val_loss", "val_accuracy", "lr"];

    /// <summary>The epoch's other metrics by name: training values as <c>f1</c>, validation values as <c>val_f1</c>.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Throws, listing the known names, when <paramref name="metric"/> is neither a fixed name nor a built-in metric (with or without <c>val_</c>).</summary>
    public static void EnsureKnownMetric(string metric) =>
        _ = new EpochRecord(0, 0, null, null, null, 0, TimeSpan.Zero, 0, 0).Get(metric);

    /// <summary>
    /// A metric by Keras name (<c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>, <c>lr</c>) or by a
    /// measured metric's name (<c>rmse</c>, <c>val_f1</c>, ...); null when not measured this epoch.
    /// </summary>
    public double? Get(string metric) => metric switch
    {
        "loss" or "train_loss" => TrainLoss,
        "accuracy" or "acc" or "train_accuracy" => TrainAccuracy,
        "val_loss" => ValidationLoss,
        "val_accuracy" or "val_acc" => ValidationAccuracy,
        "lr" or "learning_rate" => LearningRate,
        _ when Metrics.TryGetValue(metric, out var v) => v,
        _ when MetricCatalog.IsBuiltIn(metric) => null,
        _ => throw new ArgumentException(
            $"Unknown metric '{metric}'. Known metrics: {string.Join(", ", MetricNames.Concat(Metrics.Keys).Concat(MetricCatalog.Names).Distinct())} (val_ + a name for validation).",
            nameof(metric)),
    };
}
