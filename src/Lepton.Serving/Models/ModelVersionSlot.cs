using Lepton.Engine;
using Lepton.Registry;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Lepton.Runtime.Audio;
using Lepton.Runtime.Text;
using Lepton.Serving.Batching;
using Lepton.Serving.Outputs;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Models;

/// <summary>
/// One loaded, warmed-up model version and its batcher, reference-counted: the manager holds it while it is the
/// primary or canary version, and every <see cref="ModelLease"/> holds it for one request. When the last hold
/// ends the batcher is drained and the version is released, so a swapped-out version lives exactly as long as
/// the requests that started on it. The version's predictor is disposed after its batcher has drained.
/// </summary>
internal sealed class ModelVersionSlot
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holds = 1;
    private int _leases;
    private int _releaseStarted;

    public ModelVersionSlot(string model, ResolvedModel resolved, IPredictor predictor, DynamicBatcher batcher, TextInputEncoder? text = null,
        TableInputEncoder? table = null, AudioInputEncoder? audio = null)
    {
        Model = model;
        Folder = resolved.Folder;
        Version = resolved.Version?.Version;
        Label = Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "folder";
        Identity = resolved.Version is { } v ? $"{v.Model}@{v.Version}#{v.ArtifactHash}" : null;
        Predictor = predictor;
        Signature = predictor.Signature;
        Outputs = OutputInterpreters.For(Signature, Lepton.Runtime.Conformal.ConformalIntervals.Load(Folder));
        Protocol = new ModelSignature(Signature, Outputs.Outputs, text, table, audio);
        var inputs = Signature.Inputs;
        ExampleShape = inputs.Count == 1 && inputs[0].IsFixed ? new Shape(inputs[0].ExampleShape) : null;
        Batcher = batcher;
    }

    public string Model { get; }

    /// <summary>The folder the version was loaded from (explanations load the network's float weights from it).</summary>
    public string Folder { get; }

    public int? Version { get; }

    public string Label { get; }

    /// <summary>Registry identity (name, version, artifact hash) so the primary and canary roles can share one loaded copy; null for folders.</summary>
    public string? Identity { get; }

    public IPredictor Predictor { get; }

    public PredictorSignature Signature { get; }

    /// <summary>How this version's outputs become answers (classifier labels, raw tensors, ...).</summary>
    public IOutputInterpreter Outputs { get; }

    /// <summary>The signature as the protocol validates requests against it, built once.</summary>
    public ModelSignature Protocol { get; }

    /// <summary>The example shape of a version with one fixed-shape input; null otherwise.</summary>
    public Shape? ExampleShape { get; }

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
            try
            {
                Predictor.Dispose();
            }
            finally
            {
                _released.TrySetResult();
            }
        }
    }
}
