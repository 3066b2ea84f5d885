using Lepton.Registry.Store;

namespace Lepton.Factory.Loop;

/// <summary>Whether the loop should run now, and why (the reason is written as the run's trigger decision).</summary>
public sealed record TriggerCheck(bool ShouldRun, string Reason, string Kind);

/// <summary>
/// Decides when the loop runs: when forced, when an alert for the model fired after the loop's last decision, or when the
/// schedule interval has passed since that decision (or the loop never ran).
/// </summary>
public sealed class LoopTrigger(IRegistryStore store, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<bool> ShouldRunAsync(string model, TimeSpan? every = null, bool force = false, CancellationToken ct = default) =>
        (await CheckAsync(model, every, force, ct)).ShouldRun;

    public async Task<TriggerCheck> CheckAsync(string model, TimeSpan? every = null, bool force = false, CancellationToken ct = default)
    {
        if (force) return new TriggerCheck(true, "run by hand", "manual");
        var last = (await store.ListLoopDecisionsAsync(model, 1, ct)).FirstOrDefault();
        var alerts = await store.ListAlertEventsAsync(model, last?.At, 1, ct);
        // 'since' is inclusive; an alert at the very same instant as the last decision was already seen by that run.
        if (alerts.FirstOrDefault(a => last is null || a.FiredAt > last.At) is { } alert)
            return new TriggerCheck(true, $"alert '{alert.Rule}' fired at {alert.FiredAt:u}: {alert.Message}", "alert");
        var now = _time.GetUtcNow();
        if (every is { } interval)
        {
            if (last is null) return new TriggerCheck(true, $"scheduled every {interval}; the loop has not run for {model} yet", "schedule");
            if (now - last.At >= interval)
                return new TriggerCheck(true, $"scheduled every {interval}; last loop decision at {last.At:u}", "schedule");
            return new TriggerCheck(false, $"no new alert, and the next scheduled run is at {last.At + interval:u}", "none");
        }
        return new TriggerCheck(false, last is null ? "no alert has fired for this model" : $"no alert since the last loop decision at {last.At:u}", "none");
    }
}
