namespace Lepton.Training.Callbacks;

/// <summary>
/// Hands one metric of every finished epoch to <c>report(epoch, value)</c> and stops training when it answers false:
/// the seam a hyperparameter search uses to watch a trial epoch by epoch and stop it early (successive halving).
/// </summary>
public sealed class EpochReporter(string monitor, Func<int, double, bool> report) : ICallback
{
    public string Monitor { get; } = monitor;

    /// <summary>The epoch after which the report said stop, or 0 when it never did.</summary>
    public int StoppedEpoch { get; private set; }

    public void OnTrainBegin(TrainContext context)
    {
        if (Monitor.StartsWith("val", StringComparison.Ordinal) && !context.HasValidation)
            throw new InvalidOperationException($"EpochReporter monitors '{Monitor}' but Fit got no validation set; pass one or monitor 'loss'.");
        context.EnsureMeasured(Monitor, "EpochReporter");
        StoppedEpoch = 0;
    }

    public void OnEpochEnd(TrainContext context, EpochRecord record)
    {
        double value = record.Get(Monitor) is { } v && !double.IsNaN(v) ? v
            : throw new InvalidOperationException($"EpochReporter monitors '{Monitor}', which epoch {record.Epoch} did not measure.");
        if (report(record.Epoch, value)) return;
        StoppedEpoch = record.Epoch;
        context.RequestStop($"stopped by the search after epoch {record.Epoch} ({Monitor} {value:G6})");
    }
}
