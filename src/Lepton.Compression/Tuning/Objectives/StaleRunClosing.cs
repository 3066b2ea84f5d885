using Lepton.Compression.Tuning.Running;
using Lepton.Registry;
using Lepton.Registry.Store;

namespace Lepton.Compression.Tuning.Objectives;

/// <summary>
/// Before a trial starts again (after a crash, Ctrl+C or a worker whose lease lapsed), closes as failed the registry runs its
/// earlier attempts left running, so the registry shows one live run per trial; then trains it with <c>inner</c>.
/// </summary>
public sealed class StaleRunClosing(ITrialObjective inner, ModelRegistry registry, string actor) : ITrialObjective
{
    public string Describe() => inner.Describe();

    public async Task<TrialResult> RunAsync(TrialRun trial, CancellationToken ct)
    {
        if (trial.Restarts > 0)
            foreach (var run in await registry.Store.ListRunsAsync(10_000, ct))
                if (run.Status == RunStatus.Running && run.Name == trial.Name)
                    await registry.Store.EndRunAsync(run.Id, RunStatus.Failed, "interrupted; the tuning trial restarted from scratch", actor, ct);
        return await inner.RunAsync(trial, ct);
    }
}
