using Lepton.NN;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Callbacks;

/// <summary>What callbacks can see of a running <see cref="Trainer.Fit"/>, and the switch to stop it after the current epoch.</summary>
public sealed class TrainContext
{
    internal TrainContext(Module model, IOptimizer optimizer, FitOptions options, int batchesPerEpoch, int trainSamples, bool hasValidation, TrainingHistory history)
    {
        Model = model;
        Optimizer = optimizer;
        Options = options;
        BatchesPerEpoch = batchesPerEpoch;
        TrainSamples = trainSamples;
        HasValidation = hasValidation;
        History = history;
    }

    public Module Model { get; }

    public IOptimizer Optimizer { get; }

    public FitOptions Options { get; }

    public int Epochs => Options.Epochs;

    public int BatchesPerEpoch { get; }

    public int TrainSamples { get; }

    public bool HasValidation { get; }

    public TrainingHistory History { get; }

    /// <summary>Names of the metrics each epoch record carries besides loss, accuracy and lr (e.g. <c>f1</c>, <c>val_f1</c>).</summary>
    public IReadOnlyList<string> MetricNames { get; internal init; } = [];

    /// <summary>Throws naming what this Fit measures when <paramref name="metric"/> is not among them; <paramref name="who"/> names the caller.</summary>
    public void EnsureMeasured(string metric, string who)
    {
        if (EpochRecord.MetricNames.Contains(metric) || metric is "acc" or "val_acc" or "train_loss" or "train_accuracy" or "learning_rate"
            || MetricNames.Contains(metric))
            return;
        throw new InvalidOperationException(
            $"{who} monitors '{metric}', which this Fit does not measure. Measured: {string.Join(", ", EpochRecord.MetricNames.Concat(MetricNames))}; add the metric to FitOptions.Metrics or monitor one of these.");
    }

    /// <summary>Set by a callback to end training after the current epoch.</summary>
    public bool StopTraining { get; private set; }

    public string? StopReason { get; private set; }

    public void RequestStop(string reason)
    {
        StopTraining = true;
        StopReason ??= reason;
    }
}
