using Lepton.Engine;

namespace Lepton.Training.Callbacks;

/// <summary>Options of <see cref="EarlyStopping"/> (Keras names): the metric, how long to wait, what counts as better.</summary>
public sealed record EarlyStoppingOptions(
    string Monitor = "val_loss",
    int Patience = 3,
    double MinDelta = 0,
    MonitorMode Mode = MonitorMode.Auto,
    bool RestoreBestWeights = true);

/// <summary>
/// Stops training when the monitored metric has not improved by more than <c>MinDelta</c> for
/// <c>Patience</c> epochs, optionally putting back the weights of the best epoch.
/// </summary>
public sealed class EarlyStopping : ICallback
{
    private Dictionary<string, Tensor>? _bestWeights;

    public EarlyStopping(EarlyStoppingOptions? options = null)
    {
        Options = options ?? new EarlyStoppingOptions();
        if (Options.Patience < 0) throw new ArgumentOutOfRangeException(nameof(options), $"EarlyStopping: Patience must be >= 0, got {Options.Patience}.");
        if (Options.MinDelta < 0) throw new ArgumentOutOfRangeException(nameof(options), $"EarlyStopping: MinDelta must be >= 0, got {Options.MinDelta}.");
        EpochRecord.EnsureKnownMetric(Options.Monitor);
    }

    public EarlyStoppingOptions Options { get; }

    public double? BestValue { get; private set; }

    public int BestEpoch { get; private set; }

    /// <summary>The epoch after which training was stopped, or 0 when it was not.</summary>
    public int StoppedEpoch { get; private set; }

    private int _wait;

    public void OnTrainBegin(TrainContext context)
    {
        if (Options.Monitor.StartsWith("val", StringComparison.Ordinal) && !context.HasValidation)
            throw new InvalidOperationException($"EarlyStopping monitors '{Options.Monitor}' but Fit got no validation set; pass one or monitor 'loss'.");
        context.EnsureMeasured(Options.Monitor, "EarlyStopping");
        BestValue = null;
        BestEpoch = 0;
        StoppedEpoch = 0;
        _wait = 0;
        _bestWeights = null;
    }

    public void OnEpochEnd(TrainContext context, EpochRecord record)
    {
        var value = record.Get(Options.Monitor);
        if (value is not { } v || double.IsNaN(v))
            throw new InvalidOperationException(
                $"EarlyStopping monitors '{Options.Monitor}', which epoch {record.Epoch} did not measure{(Options.Monitor.StartsWith("val", StringComparison.Ordinal) ? " (pass a validation set to Fit)" : "")}.");
        bool higher = MetricMode.HigherIsBetter(Options.Monitor, Options.Mode);
        bool improved = BestValue is not { } best || (higher ? v - Options.MinDelta > best : v + Options.MinDelta < best);
        if (improved)
        {
            BestValue = v;
            BestEpoch = record.Epoch;
            _wait = 0;
            if (Options.RestoreBestWeights) _bestWeights = Snapshot(context);
            return;
        }
        if (++_wait > Options.Patience)
        {
            StoppedEpoch = record.Epoch;
            context.RequestStop($"early stopping: {Options.Monitor} did not improve for {Options.Patience} epoch(s) after epoch {BestEpoch} ({BestValue:G6})");
        }
    }

    public void OnTrainEnd(TrainContext context, TrainingHistory history)
    {
        // Keras restores only when it stopped early; restoring whenever a better epoch exists is what users expect of "best weights".
        if (_bestWeights is not null && history.Last is { } last && last.Epoch != BestEpoch)
            context.Model.LoadStateDict(_bestWeights);
    }

    private static Dictionary<string, Tensor> Snapshot(TrainContext context) =>
        context.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
}
