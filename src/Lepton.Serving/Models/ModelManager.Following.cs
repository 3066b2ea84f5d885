using Lepton.Registry;
using Lepton.Registry.References;
using Microsoft.Extensions.Logging;

namespace Lepton.Serving.Models;

/// <summary>Loading a version into a role, and following alias references in the registry.</summary>
public sealed partial class ModelManager
{
    /// <summary>
    /// Checks every followed reference (<c>name@alias</c> and plain <c>name</c>, primary and canary) once and swaps
    /// in versions that changed. The background loop calls this every <see cref="ModelManagerOptions.AliasPollInterval"/>;
    /// call it directly to apply a promote or rollback at once.
    /// </summary>
    public async Task CheckAliasesAsync(CancellationToken ct = default)
    {
        List<ServedModel> models;
        lock (_gate) models = [.. _models.Values];
        foreach (var model in models)
        {
            await FollowRoleAsync(model, VersionRole.Primary, ct).ConfigureAwait(false);
            if (model.CanaryReference is not null) await FollowRoleAsync(model, VersionRole.Canary, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Alias polls made since the manager started (the listener's checks not counted).</summary>
    public long AliasPolls => Interlocked.Read(ref _aliasPolls);

    private long _aliasPolls;

    /// <summary>
    /// Polls every <see cref="ModelManagerOptions.PollInterval"/> while no alias notices arrive (SQLite, LISTEN unavailable,
    /// the listening connection down); while they do, only every <see cref="ModelManagerOptions.ListeningPollInterval"/>.
    /// The tick stays short either way, so a listener that drops is noticed within one poll interval.
    /// </summary>
    private async Task FollowAsync()
    {
        using var timer = new PeriodicTimer(Options.PollInterval);
        long lastPoll = Environment.TickCount64;
        while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
        {
            if (IsListeningForAliasChanges && !PollDueWhileListening(lastPoll)) continue;
            lastPoll = Environment.TickCount64;
            Interlocked.Increment(ref _aliasPolls);
            try
            {
                await CheckAliasesAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The loop must outlive any one failure; errors are already recorded per model.
                _logger.LogError(e, "Alias check failed; retrying in {Seconds} s", Options.PollInterval.TotalSeconds);
            }
        }
    }

    private bool PollDueWhileListening(long lastPoll)
    {
        var interval = Options.ListeningPollInterval;
        return interval != Timeout.InfiniteTimeSpan && Environment.TickCount64 - lastPoll >= (long)interval.TotalMilliseconds;
    }

    private async Task FollowRoleAsync(ServedModel model, VersionRole role, CancellationToken ct)
    {
        var reference = model.ReferenceOf(role);
        if (reference.Kind is not (ModelReferenceKind.Alias or ModelReferenceKind.Latest)) return;
        int? current;
        try
        {
            current = await _source.CurrentVersionAsync(reference, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (model.RecordError($"Could not check {reference}: {e.Message}; the serving version keeps serving."))
                _logger.LogWarning("Model {Model}: could not check {Reference}: {Error}", model.Name, reference, e.Message);
            return;
        }
        if (model.SlotOf(role) is { } slot && slot.Version == current) return;
        if (model.HasFailed(role, current)) return;
        try
        {
            await LoadRoleAsync(model, role, current, fresh: false, ct).ConfigureAwait(false);
        }
        catch (ModelLoadException)
        {
            // Recorded in the model's status and logged by LoadRoleAsync; the serving version stays.
        }
    }

    private async Task TryLoadCanaryAsync(ServedModel model, bool fresh, CancellationToken ct)
    {
        try
        {
            await LoadRoleAsync(model, VersionRole.Canary, version: null, fresh, ct).ConfigureAwait(false);
        }
        catch (ModelLoadException)
        {
            // A broken canary never blocks the primary; its error is in the status.
        }
    }

    /// <summary>
    /// Resolves the role's reference, loads and warms up the version (or shares the other role's copy of the same
    /// registry version), then swaps it in. On failure the role keeps its current version and the error is recorded.
    /// </summary>
    private async Task LoadRoleAsync(ServedModel model, VersionRole role, int? version, bool fresh, CancellationToken ct)
    {
        await model.LoadLock.WaitAsync(ct).ConfigureAwait(false);
        var reference = model.ReferenceOf(role);
        try
        {
            model.BeginAttempt(role, version);
            ResolvedModel resolved;
            try
            {
                resolved = await _source.ResolveAsync(reference, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new ModelLoadException($"Could not resolve {reference}: {e.Message}", e);
            }
            version = resolved.Version?.Version;
            model.BeginAttempt(role, version);
            var identity = resolved.Version is { } v ? $"{v.Model}@{v.Version}#{v.ArtifactHash}" : null;
            if (!fresh && identity is not null)
            {
                if (model.SlotOf(role)?.Identity == identity)
                {
                    model.ClearAttempt(role);
                    return;
                }
                if (model.OtherSlot(role) is { } other && other.Identity == identity && other.TryHold())
                {
                    Swap(model, role, other, reference);
                    return;
                }
            }
            var batching = model.Options.Batching;
            var slot = await Task.Run(() => ModelVersionLoader.Load(model.Name, reference.ToString(), resolved, batching, Metrics, Options.Loader), ct)
                .ConfigureAwait(false);
            Swap(model, role, slot, reference);
        }
        catch (ModelLoadException e)
        {
            model.FailAttempt(role, version, e.Message);
            var serving = model.SlotOf(role);
            _logger.LogError("Model {Model}: {Error} {Outcome}", model.Name, e.Message,
                serving is null ? "No version serves this role." : $"Version {serving.Label} keeps serving.");
            throw;
        }
        catch (OperationCanceledException)
        {
            model.ClearAttempt(role);
            throw;
        }
        finally
        {
            model.LoadLock.Release();
        }
    }

    private void Swap(ServedModel model, VersionRole role, ModelVersionSlot slot, ModelReference reference)
    {
        var previous = model.SlotOf(role);
        if (!model.Install(role, slot, out var draining)) return;
        if (previous is null)
            _logger.LogInformation("Model {Model}: version {Version} ({Reference}) is ready as {Role}", model.Name, slot.Label, reference, role);
        else
            _logger.LogInformation("Model {Model}: swapped {Role} from version {Old} to {New} ({Reference}); the old version drains",
                model.Name, role, previous.Label, slot.Label, reference);
        if (draining is not null) _ = ReleaseWhenDrainedAsync(model.Name, draining);
    }

    /// <summary>A replaced version gets the drain timeout to finish its requests; a lease held longer (a stuck client) must not pin its memory.</summary>
    private async Task ReleaseWhenDrainedAsync(string model, ModelVersionSlot slot)
    {
        try
        {
            await slot.Released.WaitAsync(Options.Drain, _stopping.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Model {Model}: version {Version} still had {Leases} request(s) after the {Seconds} s drain timeout; releasing it",
                model, slot.Label, slot.ActiveLeases, Options.Drain.TotalSeconds);
            await slot.ReleaseNowAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: DisposeAsync drains every version itself.
        }
    }
}
