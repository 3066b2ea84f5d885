using Lepton.Data;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Serving.Batching;

namespace Lepton.Serving.Models;

/// <summary>
/// One loaded, warmed-up model version and its batcher, reference-counted: the manager holds it while it is the
/// primary or canary version, and every <see cref="ModelLease"/> holds it for one request. When the last hold
/// ends the batcher is drained and the version is released, so a swapped-out version lives exactly as long as
/// the requests that started on it.
/// </summary>
internal sealed class ModelVersionSlot
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holds = 1;
    private int _leases;
    private int _releaseStarted;

    public ModelVersionSlot(string model, ResolvedModel resolved, LoadedModel loaded, Preprocessing preprocessing, Shape exampleShape,
        DynamicBatcher batcher)
    {
        Model = model;
        Version = resolved.Version?.Version;
        Label = Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "folder";
        Identity = resolved.Version is { } v ? $"{v.Model}@{v.Version}#{v.ArtifactHash}" : null;
        Spec = loaded.Spec;
        Preprocessing = preprocessing;
        ExampleShape = exampleShape;
        Batcher = batcher;
    }

    public string Model { get; }

    public int? Version { get; }

    public string Label { get; }

    /// <summary>Registry identity (name, version, artifact hash) so the primary and canary roles can share one loaded copy; null for folders.</summary>
    public string? Identity { get; }

    public ModelSpec Spec { get; }

    public Preprocessing Preprocessing { get; }

    public Shape ExampleShape { get; }

    public DynamicBatcher Batcher { get; }

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Requests holding this version now.</summary>
    public int ActiveLeases => Volatile.Read(ref _leases);

    public bool IsReleased => _released.Task.IsCompleted;

    /// <summary>True once the release has begun (the batcher takes no new requests).</summary>
    public bool IsReleasing => Volatile.Read(ref _releaseStarted) != 0;

    /// <summary>Completes when the last hold has ended and the batcher has drained.</summary>
    public Task Released => _released.Task;

    /// <summary>Adds a hold unless the version is already being released (then the caller re-reads the current version).</summary>
    public bool TryHold()
    {
        while (true)
        {
            int current = Volatile.Read(ref _holds);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref _holds, current + 1, current) == current) return true;
        }
    }

    public bool TryLease()
    {
        if (!TryHold()) return false;
        Interlocked.Increment(ref _leases);
        return true;
    }

    public void EndLease()
    {
        Interlocked.Decrement(ref _leases);
        Release();
    }

    /// <summary>Ends one hold; the last one releases the version.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0) _ = ReleaseNowAsync();
    }

    /// <summary>Releases at once, whatever holds remain (shutdown after the drain timeout); queued requests still run.</summary>
    public Task ReleaseNowAsync()
    {
        if (Interlocked.Exchange(ref _releaseStarted, 1) == 0)
            _ = DrainAsync();
        return _released.Task;
    }

    private async Task DrainAsync()
    {
        try
        {
            await Batcher.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _released.TrySetResult();
        }
    }
}
