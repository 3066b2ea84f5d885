using Lepton.Registry.Store;
using Lepton.Training.Callbacks;

namespace Lepton.Training.Tracking;

/// <summary>
/// Records a training run in the registry while it trains: the run starts as <c>running</c>, every epoch's
/// metrics are written as the epoch ends (visible to other processes at once), and the run ends as
/// completed, cancelled or failed with its error.
/// </summary>
public sealed class RunRecorder(IRegistryStore store, string runId) : ICallback
{
    public string RunId { get; } = runId;

    /// <summary>Starts a run record with the host, the git commit (when the working folder is a checkout) and the parameters.</summary>
    public static async Task<RunRecorder> StartAsync(IRegistryStore store, string name, string parametersJson, string? datasetRef,
        ulong? seed, string actor, CancellationToken ct = default)
    {
        var run = await store.StartRunAsync(name, parametersJson, Environment.MachineName, CodeVersion.Current(), datasetRef, seed, actor, ct);
        return new RunRecorder(store, run.Id);
    }

    public void OnEpochEnd(TrainContext context, EpochRecord record)
    {
        store.LogMetricsAsync(RunId, record.Epoch, EpochMetrics(record)).GetAwaiter().GetResult();
        store.AppendRunLogAsync(RunId, $"epoch {record.Epoch}: loss {record.TrainLoss:F4}" +
            (record.ValidationAccuracy is { } v ? $", val_accuracy {v:F4}" : "") + "\n").GetAwaiter().GetResult();
    }

    /// <summary>The per-epoch metrics a run records: loss, learning rate, seconds, samples/s and, when measured, accuracy and validation loss and accuracy.</summary>
    public static Dictionary<string, double> EpochMetrics(EpochRecord record)
    {
        var metrics = new Dictionary<string, double>
        {
            ["loss"] = record.TrainLoss,
            ["lr"] = record.LearningRate,
            ["seconds"] = record.Duration.TotalSeconds,
            ["samples_per_second"] = record.SamplesPerSecond,
        };
        if (record.TrainAccuracy is { } a) metrics["accuracy"] = a;
        if (record.ValidationLoss is { } vl) metrics["val_loss"] = vl;
        if (record.ValidationAccuracy is { } va) metrics["val_accuracy"] = va;
        return metrics;
    }

    /// <summary>
    /// Runs <paramref name="work"/>; when it throws, ends the run as cancelled or failed (unless a callback already ended it)
    /// and rethrows, so no run stays <c>running</c> after its process gave up on it.
    /// </summary>
    public async Task<T> GuardAsync<T>(Func<Task<T>> work, string actor)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work();
        }
        catch (Exception ex)
        {
            await EndIfRunningAsync(store, RunId, ex, actor);
            throw;
        }
    }

    /// <summary>Ends run <paramref name="runId"/> as cancelled or failed by <paramref name="error"/> when it is still running.</summary>
    public static async Task EndIfRunningAsync(IRegistryStore store, string runId, Exception error, string actor)
    {
        if ((await store.GetRunAsync(runId, CancellationToken.None))?.Status != RunStatus.Running) return;
        var status = error is OperationCanceledException ? RunStatus.Cancelled : RunStatus.Failed;
        await store.EndRunAsync(runId, status, error.Message, actor, CancellationToken.None);
    }

    public void OnTrainFailed(TrainContext context, Exception error) =>
        store.EndRunAsync(RunId, RunStatus.Failed, error.Message, "lepton").GetAwaiter().GetResult();

    /// <summary>Logs final metrics (e.g. test accuracy) at the step after the last epoch and closes the run.</summary>
    public async Task CompleteAsync(TrainingHistory history, IReadOnlyDictionary<string, double>? finalMetrics, string actor,
        CancellationToken ct = default)
    {
        if (finalMetrics is { Count: > 0 }) await store.LogMetricsAsync(RunId, history.Epochs.Count + 1, finalMetrics, ct);
        var status = history.Cancelled ? RunStatus.Cancelled : RunStatus.Completed;
        await store.EndRunAsync(RunId, status, history.Cancelled ? history.StopReason : null, actor, ct);
    }
}
