using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Lepton.Registry.Store;
using Lepton.Training.Workflows.CrossValidation;

namespace Lepton.Training.Tracking;

/// <summary>
/// How a cross-validation is written to the registry: a parent run (<c>NAME-cv</c>, parameters plus <c>folds</c>; final
/// metrics <c>cv_mean_*</c>, <c>cv_std_*</c>, <c>cv_min_*</c>, <c>cv_max_*</c>) and one run per fold (<c>NAME-cv-foldN</c>)
/// whose parameters name the parent (<c>parent_run</c>) and the fold, ending with its held-out metrics as <c>test_*</c>. The
/// store has no parent column, so the link lives in the parameters, where <c>lepton runs show</c> prints it.
/// </summary>
internal sealed class CrossValidationRuns
{
    private readonly IRegistryStore _store;
    private readonly string _name, _datasetRef, _actor;
    private readonly JsonObject _parameters;
    private readonly ulong _seed;
    private readonly ConcurrentDictionary<int, string> _folds = new();

    private CrossValidationRuns(IRegistryStore store, string name, JsonObject parameters, string datasetRef, ulong seed, string actor, string parent)
    {
        (_store, _name, _parameters, _datasetRef, _seed, _actor, ParentRunId) = (store, name, parameters, datasetRef, seed, actor, parent);
    }

    public string ParentRunId { get; }

    public static async Task<CrossValidationRuns> StartAsync(IRegistryStore store, string name, JsonObject parameters, int folds, string datasetRef, ulong seed,
        string actor, CancellationToken ct)
    {
        parameters["folds"] = folds;
        var parent = await store.StartRunAsync(name + "-cv", parameters.ToJsonString(), Environment.MachineName, CodeVersion.Current(), datasetRef, seed, actor, ct);
        return new CrossValidationRuns(store, name, parameters, datasetRef, seed, actor, parent.Id);
    }

    /// <summary>Starts fold <paramref name="fold"/>'s run (0-based) and returns its id.</summary>
    public async Task<string> StartFoldAsync(int fold, CancellationToken ct)
    {
        var child = (JsonObject)_parameters.DeepClone();
        child["parent_run"] = ParentRunId;
        child["fold"] = fold;
        var run = await _store.StartRunAsync($"{_name}-cv-fold{fold + 1}", child.ToJsonString(), Environment.MachineName, CodeVersion.Current(), _datasetRef, _seed, _actor, ct);
        _folds[fold] = run.Id;
        return run.Id;
    }

    /// <summary>Logs a finished fold's held-out metrics at <paramref name="step"/> and closes its run.</summary>
    public async Task<FoldOutcome> CompleteFoldAsync(FoldOutcome outcome, int step)
    {
        string id = _folds[outcome.Fold];
        var final = outcome.Metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => "test_" + m.Key, m => m.Value);
        if (final.Count > 0) await _store.LogMetricsAsync(id, step, final, CancellationToken.None);
        await _store.EndRunAsync(id, RunStatus.Completed, null, _actor, CancellationToken.None);
        return outcome with { RunId = id };
    }

    /// <summary>Logs the spread on the parent and closes it (cancelled when folds are missing); folds still running end as cancelled.</summary>
    public async Task CompleteAsync(CrossValidationResult result)
    {
        var summary = new Dictionary<string, double>();
        foreach (var m in result.Metrics.Where(m => double.IsFinite(m.Mean)))
        {
            summary["cv_mean_" + m.Name] = m.Mean;
            summary["cv_std_" + m.Name] = m.Std;
            summary["cv_min_" + m.Name] = m.Min;
            summary["cv_max_" + m.Name] = m.Max;
        }
        if (summary.Count > 0) await _store.LogMetricsAsync(ParentRunId, 1, summary, CancellationToken.None);
        await EndRunningAsync(RunStatus.Cancelled, "cross-validation stopped");
        await _store.EndRunAsync(ParentRunId, result.Cancelled ? RunStatus.Cancelled : RunStatus.Completed,
            result.Cancelled ? $"stopped after {result.FoldOutcomes.Count} of {result.Folds} folds" : null, _actor, CancellationToken.None);
    }

    /// <summary>Marks the parent and every unfinished fold as failed.</summary>
    public async Task FailAsync(Exception error)
    {
        var status = error is OperationCanceledException ? RunStatus.Cancelled : RunStatus.Failed;
        await EndRunningAsync(status, error.Message);
        if ((await _store.GetRunAsync(ParentRunId, CancellationToken.None))?.Status == RunStatus.Running)
            await _store.EndRunAsync(ParentRunId, status, error.Message, _actor, CancellationToken.None);
    }

    private async Task EndRunningAsync(RunStatus status, string message)
    {
        foreach (var id in _folds.Values)
            if ((await _store.GetRunAsync(id, CancellationToken.None))?.Status == RunStatus.Running)
                await _store.EndRunAsync(id, status, message, _actor, CancellationToken.None);
    }
}
