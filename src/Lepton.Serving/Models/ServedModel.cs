using System.Globalization;
using Lepton.Registry.References;

namespace Lepton.Serving.Models;

/// <summary>
/// The state of one served model name: the primary and canary versions, versions still draining, the last load
/// attempt per role (loading or failed) and the last error. Swaps happen under one lock; readers take the
/// current slot without locking and retry if it was released in between.
/// </summary>
internal sealed class ServedModel(string name, ModelServeOptions options, ModelReference reference, ModelReference? canary)
{
    private readonly object _gate = new();
    private readonly List<ModelVersionSlot> _draining = [];
    private readonly Dictionary<VersionRole, LoadAttempt> _attempts = [];
    private ModelVersionSlot? _primary;
    private ModelVersionSlot? _canary;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private bool _removed;

    public string Name { get; } = name;

    public ModelServeOptions Options { get; } = options;

    public ModelReference Reference { get; } = reference;

    public ModelReference? CanaryReference { get; } = canary;

    public CanarySplit Split { get; } = new(options.CanaryFraction);

    /// <summary>Serializes loads and swaps of this model (start-up, polls, reloads).</summary>
    public SemaphoreSlim LoadLock { get; } = new(1, 1);

    public ModelVersionSlot? Primary => Volatile.Read(ref _primary);

    public ModelVersionSlot? Canary => Volatile.Read(ref _canary);

    public bool IsRemoved
    {
        get { lock (_gate) return _removed; }
    }

    public ModelReference ReferenceOf(VersionRole role) => role == VersionRole.Primary ? Reference : CanaryReference!;

    public ModelVersionSlot? SlotOf(VersionRole role) => role == VersionRole.Primary ? Primary : Canary;

    public ModelVersionSlot? OtherSlot(VersionRole role) => role == VersionRole.Primary ? Canary : Primary;

    /// <summary>The version number whose last load failed for this role, so polls do not retry a known-broken version.</summary>
    public bool HasFailed(VersionRole role, int? version)
    {
        lock (_gate) return _attempts.TryGetValue(role, out var a) && a.State == ModelVersionState.Failed && a.Version == version;
    }

    public void BeginAttempt(VersionRole role, int? version)
    {
        lock (_gate) _attempts[role] = new LoadAttempt(version, ModelVersionState.Loading, null, DateTimeOffset.UtcNow);
    }

    public void FailAttempt(VersionRole role, int? version, string error)
    {
        lock (_gate)
        {
            _attempts[role] = new LoadAttempt(version, ModelVersionState.Failed, error, DateTimeOffset.UtcNow);
            _lastError = error;
            _lastErrorAt = DateTimeOffset.UtcNow;
        }
    }

    public void ClearAttempt(VersionRole role)
    {
        lock (_gate) _attempts.Remove(role);
    }

    /// <summary>Records an error that did not come from a load (e.g. the registry was unreachable during a poll); true when it is new.</summary>
    public bool RecordError(string error)
    {
        lock (_gate)
        {
            bool changed = _lastError != error;
            _lastError = error;
            _lastErrorAt = DateTimeOffset.UtcNow;
            return changed;
        }
    }

    /// <summary>
    /// Makes <paramref name="slot"/> (already holding one hold for this role) the version for <paramref name="role"/>.
    /// New requests see it at once; the version it replaces drains and is released after its last lease.
    /// Returns false (and releases the hold) when the model was unloaded meanwhile; <paramref name="draining"/> is the
    /// replaced version when no role uses it any more.
    /// </summary>
    public bool Install(VersionRole role, ModelVersionSlot slot, out ModelVersionSlot? draining)
    {
        ModelVersionSlot? old;
        draining = null;
        lock (_gate)
        {
            if (_removed)
            {
                slot.Release();
                return false;
            }
            old = role == VersionRole.Primary ? Interlocked.Exchange(ref _primary, slot) : Interlocked.Exchange(ref _canary, slot);
            _attempts.Remove(role);
            if (old is not null && old != slot && old != OtherSlot(role))
            {
                Track(old);
                draining = old;
            }
        }
        old?.Release();
        return true;
    }

    /// <summary>Marks the model removed and takes every slot out; the caller releases the returned holds and waits for the drain.</summary>
    public (IReadOnlyList<ModelVersionSlot> Held, IReadOnlyList<ModelVersionSlot> All) Detach()
    {
        lock (_gate)
        {
            _removed = true;
            var held = new List<ModelVersionSlot>();
            if (Interlocked.Exchange(ref _primary, null) is { } p) held.Add(p);
            if (Interlocked.Exchange(ref _canary, null) is { } c) held.Add(c);
            var all = held.Concat(_draining).Distinct().ToList();
            foreach (var slot in held.Distinct()) Track(slot);
            return (held, all);
        }
    }

    /// <summary>Lists a slot as draining until it is released; then it is dropped so its weights can be collected.</summary>
    private void Track(ModelVersionSlot slot)
    {
        _draining.Add(slot);
        slot.Released.ContinueWith(_ =>
        {
            lock (_gate) _draining.Remove(slot);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Picks the version for one request: the named version, or primary/canary by the split when none is named.</summary>
    public (ModelVersionSlot Slot, bool IsCanary) Choose(int? version)
    {
        var primary = Primary;
        var canary = Canary;
        if (version is null)
        {
            if (primary is null) throw new ModelNotReadyException(NotReadyMessage());
            if (canary is not null && canary != primary && Split.NextIsCanary()) return (canary, true);
            return (primary, false);
        }
        if (primary?.Version == version) return (primary, false);
        if (canary?.Version == version) return (canary, true);
        lock (_gate)
        {
            if (_draining.Any(s => s.Version == version && !s.IsReleased))
                throw new ModelNotReadyException($"Version {version} of model '{Name}' has been replaced and takes no new requests; {ServingSummary()}.");
            if (_attempts.Values.Any(a => a.Version == version && a.State == ModelVersionState.Loading))
                throw new ModelNotReadyException($"Version {version} of model '{Name}' is still loading; retry in a few seconds.");
        }
        throw new ModelNotFoundException($"Model '{Name}' does not serve version {version}; {ServingSummary()}.");
    }

    public ModelStatus Status()
    {
        lock (_gate)
        {
            // The release continuation may not have run yet; a released slot is never shown as draining.
            _draining.RemoveAll(s => s.IsReleased);
            var versions = new List<ModelVersionStatus>();
            var primary = _primary;
            var canary = _canary;
            if (primary is not null) versions.Add(StatusOf(primary, ModelVersionState.Ready, true, canary == primary));
            if (canary is not null && canary != primary) versions.Add(StatusOf(canary, ModelVersionState.Ready, false, true));
            foreach (var (role, attempt) in _attempts.OrderBy(a => a.Key))
            {
                versions.Add(new ModelVersionStatus(attempt.Version, attempt.Version?.ToString(CultureInfo.InvariantCulture) ?? "folder",
                    attempt.State, role == VersionRole.Primary && primary is null, role == VersionRole.Canary && canary is null, 0, attempt.Error,
                    attempt.Since));
            }
            foreach (var slot in _draining) versions.Add(StatusOf(slot, ModelVersionState.Draining, false, false));
            return new ModelStatus(Name, Reference.ToString(), CanaryReference?.ToString(), Split.Fraction, versions, _lastError, _lastErrorAt);
        }
    }

    private static ModelVersionStatus StatusOf(ModelVersionSlot slot, ModelVersionState state, bool primary, bool canary) =>
        new(slot.Version, slot.Label, state, primary, canary, slot.ActiveLeases, null, slot.LoadedAt);

    private string NotReadyMessage()
    {
        lock (_gate)
        {
            if (_removed) return $"Model '{Name}' is being unloaded.";
            if (_attempts.TryGetValue(VersionRole.Primary, out var a) && a.State == ModelVersionState.Failed)
                return $"Model '{Name}' failed to load ({a.Error}); fix the model or its alias, then reload it.";
            return $"Model '{Name}' is still loading and warming up; retry in a few seconds.";
        }
    }

    private string ServingSummary()
    {
        var primary = Primary;
        var canary = Canary;
        if (primary is null) return "no version is ready yet";
        var text = $"it serves version {primary.Label}";
        if (canary is not null && canary != primary) text += $" and {canary.Label} as canary";
        return text;
    }

    private sealed record LoadAttempt(int? Version, ModelVersionState State, string? Error, DateTimeOffset Since);
}
