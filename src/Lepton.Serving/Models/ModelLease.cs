using Lepton.Data;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Serving.Batching;

namespace Lepton.Serving.Models;

/// <summary>
/// One request's hold on one loaded model version: everything needed to validate and preprocess its inputs, and
/// <see cref="InferAsync"/> through that version's batcher. Dispose it when the request ends; a swapped-out
/// version is released only after its last lease is disposed.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private readonly ModelVersionSlot _slot;
    private int _disposed;

    internal ModelLease(ModelVersionSlot slot, bool isCanary)
    {
        _slot = slot;
        IsCanary = isCanary;
    }

    public string Name => _slot.Model;

    /// <summary>The registry version number; null for a model served from a folder.</summary>
    public int? Version => _slot.Version;

    /// <summary>The version as text: <c>3</c>, or <c>folder</c>.</summary>
    public string VersionLabel => _slot.Label;

    /// <summary>True when the canary split chose this version.</summary>
    public bool IsCanary { get; }

    public ModelSpec Spec => _slot.Spec;

    /// <summary>Shape of one input example, e.g. (1,28,28).</summary>
    public Shape ExampleShape => _slot.ExampleShape;

    public IReadOnlyList<string> ClassNames => _slot.Spec.ClassNames;

    /// <summary>The model's own preprocessing (scale, mean, std) from model.json.</summary>
    public Preprocessing Preprocessing => _slot.Preprocessing;

    /// <summary>Counters of this version (batch sizes, queue time, in flight).</summary>
    public VersionMetrics Metrics => _slot.Batcher.Metrics;

    /// <summary>
    /// Logits (N, classes) for <paramref name="inputs"/> (N, ...example shape), already preprocessed float32,
    /// computed in a dynamic batch. Throws <see cref="InferenceInputException"/> for inputs of the wrong shape or
    /// datatype and <see cref="QueueFullException"/> when the version's queue is full.
    /// </summary>
    public Task<Tensor> InferAsync(Tensor inputs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var example = ExampleShape;
        if (inputs.Rank != example.Rank + 1 || !inputs.Shape.Dims[1..].SequenceEqual(example.Dims))
            throw new InferenceInputException(
                $"Model {Name} version {VersionLabel} expects inputs (N,{string.Join(",", example.ToArray())}), got {inputs.Shape}.");
        if (inputs.DType != DType.Float32)
            throw new InferenceInputException($"Model {Name} version {VersionLabel} expects float32 inputs, got {inputs.DType}.");
        return InferCoreAsync(inputs, ct);
    }

    private async Task<Tensor> InferCoreAsync(Tensor inputs, CancellationToken ct)
    {
        try
        {
            return await _slot.Batcher.InferAsync(inputs, ct).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (_slot.IsReleasing)
        {
            // Only a forced release (a replaced version past its drain timeout, or shutdown) closes a batcher that still has leases.
            throw new ModelNotReadyException(
                $"Model {Name} version {VersionLabel} was released (replaced and past its drain timeout, or the server is shutting down); send the request again.");
        }
    }

    /// <summary>Completes when the leased version has been released (tests observe draining with it).</summary>
    internal Task SlotReleased => _slot.Released;

    internal ModelVersionSlot Slot => _slot;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _slot.EndLease();
    }
}
