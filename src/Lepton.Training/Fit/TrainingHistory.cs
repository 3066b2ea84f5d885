namespace Lepton.Training;

/// <summary>What <see cref="Trainer.Fit"/> did: one record per completed epoch, and why it stopped.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochRecord> _epochs = [];

    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    /// <summary>True when the cancellation token stopped training; the interrupted epoch has no record.</summary>
    public bool Cancelled { get; internal set; }

    /// <summary>True when a callback (e.g. early stopping) asked to stop.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>Why training ended before the last epoch, for logs; null when it ran to the end.</summary>
    public string? StopReason { get; internal set; }

    /// <summary>Optimizer steps taken.</summary>
    public long Steps { get; internal set; }

    public TimeSpan Elapsed { get; internal set; }

    /// <summary>Steps run as a planned step (over buffers made once) rather than by recording ops.</summary>
    public long PlannedSteps { get; internal set; }

    /// <summary>Why steps were recorded instead of planned (a layer without a planned form, another loss, TrainerOptions.PlannedSteps off); null when every step could be planned.</summary>
    public string? UnplannedReason { get; internal set; }

    public EpochRecord? Last => _epochs.Count == 0 ? null : _epochs[^1];

    /// <summary>The epoch with the best value of <paramref name="metric"/> (lowest for losses, highest otherwise).</summary>
    public EpochRecord? Best(string metric = "val_loss")
    {
        bool higher = MetricMode.HigherIsBetter(metric);
        EpochRecord? best = null;
        foreach (var e in _epochs)
        {
            if (e.Get(metric) is not { } v || double.IsNaN(v)) continue;
            if (best is null || (higher ? v > best.Get(metric)!.Value : v < best.Get(metric)!.Value)) best = e;
        }
        return best;
    }

    internal void Add(EpochRecord record) => _epochs.Add(record);
}

/// <summary>Whether a monitored metric should go up or down.</summary>
public enum MonitorMode
{
    /// <summary>Down for names containing "loss" and for errors (mae, rmse), up otherwise.</summary>
    Auto,
    Min,
    Max,
}

internal static class MetricMode
{
    public static bool HigherIsBetter(string metric, MonitorMode mode = MonitorMode.Auto) => mode switch
    {
        MonitorMode.Min => false,
        MonitorMode.Max => true,
        _ => !Metrics.MetricCatalog.LowerIsBetter(metric),
    };
}
