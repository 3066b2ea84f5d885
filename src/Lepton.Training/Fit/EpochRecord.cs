namespace Lepton.Training;

/// <summary>
/// The metrics of one finished epoch. Accuracy is null when targets are not class ids; validation
/// values are null without a validation set. Epoch counts from 1.
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
    /// <summary>Metric names understood by <see cref="Get"/> (Keras names).</summary>
    public static IReadOnlyList<string> MetricNames { get; } = ["loss", "accuracy", "val_loss", "val_accuracy", "lr"];

    /// <summary>Throws, listing the known names, when <paramref name="metric"/> is not one <see cref="Get"/> understands.</summary>
    public static void EnsureKnownMetric(string metric) =>
        _ = new EpochRecord(0, 0, null, null, null, 0, TimeSpan.Zero, 0, 0).Get(metric);

    /// <summary>A metric by Keras name (<c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>, <c>lr</c>); null when not measured.</summary>
    public double? Get(string metric) => metric switch
    {
        "loss" or "train_loss" => TrainLoss,
        "accuracy" or "acc" or "train_accuracy" => TrainAccuracy,
        "val_loss" => ValidationLoss,
        "val_accuracy" or "val_acc" => ValidationAccuracy,
        "lr" or "learning_rate" => LearningRate,
        _ => throw new ArgumentException($"Unknown metric '{metric}'. Known metrics: {string.Join(", ", MetricNames)}.", nameof(metric)),
    };
}
