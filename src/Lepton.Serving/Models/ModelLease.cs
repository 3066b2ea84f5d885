using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Serving.Batching;
using Lepton.Serving.Outputs;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Models;

/// <summary>
/// One request's hold on one loaded model version: everything needed to validate and preprocess its inputs, and
/// <see cref="InferAsync(TensorSet, CancellationToken)"/> through that version's batcher. Dispose it when the request ends; a
/// swapped-out version is released only after its last lease is disposed.
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

    /// <summary>The predictor kind that serves this version (<c>lepton</c>, ...).</summary>
    public string Kind => _slot.Predictor.Kind;

    /// <summary>What the version takes and gives.</summary>
    public PredictorSignature Signature => _slot.Signature;

    /// <summary>The signature as the protocol checks requests against it.</summary>
    public ModelSignature ProtocolSignature => _slot.Protocol;

    /// <summary>
    /// Shape of one input example, e.g. (1,28,28), for paths that take one fixed-shape input (images, JSON instances); a
    /// version with several or variable-length inputs is refused there with a pointer to the protocol endpoint.
    /// </summary>
    public Shape ExampleShape => _slot.ExampleShape ?? throw new InferenceInputException(
        $"Model {Name} version {VersionLabel} takes {_slot.Protocol.InputsText}, not one input of fixed shape; send it through the protocol's infer endpoint.");

    /// <summary>True when the version takes exactly one input of fixed shape (what images and JSON instances can fill).</summary>
    public bool TakesOneFixedInput => _slot.ExampleShape is not null;

    public IReadOnlyList<string> ClassNames => _slot.Signature.ClassNames;

    /// <summary>Counters of this version (batch sizes, queue time, in flight).</summary>
    public VersionMetrics Metrics => _slot.Batcher.Metrics;

    /// <summary>Raw client values of every input turned into model inputs by the preprocessing stored with the model.</summary>
    public TensorSet Preprocess(TensorSet raw)
    {
        var predictor = _slot.Predictor;
        if (raw.Count == 1) return predictor.Preprocess(0, raw[0]);
        var x = new Tensor[raw.Count];
        for (int i = 0; i < x.Length; i++) x[i] = predictor.Preprocess(i, raw[i]);
        return new TensorSet(x);
    }

    /// <summary>
    /// Contributions of each raw column to each row's raw output (TreeSHAP for trees, exact for linear models, integrated gradients for MLPs) of a table model;
    /// a 400 when the version is not a table model or its kind explains nothing.
    /// </summary>
    public Lepton.Runtime.Tables.ColumnContributions Contributions(Lepton.Data.Tables.FeatureMatrix features)
    {
        var table = _slot.Protocol.Table ?? throw ProtocolException.BadRequest($"Model {Name} is not a table model; contributions are given for table models.");
        try
        {
            return table.Contributions(_slot.Predictor, features);
        }
        catch (NotSupportedException e)
        {
            throw ProtocolException.BadRequest(e.Message);
        }
    }

    /// <summary>
    /// One table row's own curve along <paramref name="column"/>, over the values the column took in training (see
    /// <see cref="Lepton.Runtime.Tables.RowSweep"/>); a 400 naming the columns that can be swept when it is not one.
    /// </summary>
    public Lepton.Runtime.Tables.PartialDependenceCurve Sweep(IReadOnlyDictionary<string, object?> row, string column)
    {
        var table = _slot.Protocol.Table ?? throw ProtocolException.BadRequest($"Model {Name} is not a table model; vary sweeps a column of a table row.");
        try
        {
            return Lepton.Runtime.Tables.RowSweep.Curve(_slot.Predictor, table, row, column, $"model '{Name}'");
        }
        catch (ArgumentException e)
        {
            throw ProtocolException.BadRequest(e.Message);
        }
    }

    /// <summary>A batch's outputs as this version answers them (labels with probabilities for a classifier, tensors otherwise).</summary>
    public ServedOutputs Interpret(TensorSet outputs, int rows) => _slot.Outputs.Interpret(outputs, rows);

    /// <summary>The first output (N, ...) for one input (N, ...): the single-input form of <see cref="InferAsync(TensorSet, CancellationToken)"/>.</summary>
    public async Task<Tensor> InferAsync(Tensor inputs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return (await InferAsync(new TensorSet(inputs), ct).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// The outputs for <paramref name="inputs"/> (one (N, ...) tensor per signature input, already preprocessed), computed in a
    /// dynamic batch. Throws <see cref="InferenceInputException"/> for inputs of the wrong count, shape or dtype and
    /// <see cref="QueueFullException"/> when the version's queue is full.
    /// </summary>
    public Task<TensorSet> InferAsync(TensorSet inputs, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var declared = _slot.Signature.Inputs;
        if (inputs.Count != declared.Count)
            throw new InferenceInputException($"Model {Name} version {VersionLabel} takes {declared.Count} input(s) {_slot.Protocol.InputsText}, got {inputs.Count}.");
        for (int i = 0; i < declared.Count; i++)
        {
            var input = inputs[i];
            if (!declared[i].Accepts(input.Shape.Dims))
                throw new InferenceInputException(declared.Count == 1 && declared[0].IsFixed
                    ? $"Model {Name} version {VersionLabel} expects inputs (N,{string.Join(",", declared[0].ExampleShape)}), got {input.Shape}."
                    : $"Model {Name} version {VersionLabel} expects input '{declared[i].Name}' {declared[i].BatchShapeText}, got {input.Shape}.");
            if (input.DType != declared[i].DType)
                throw new InferenceInputException(
                    $"Model {Name} version {VersionLabel} expects {declared[i].DType} values for input '{declared[i].Name}', got {input.DType}.");
        }
        return InferCoreAsync(inputs, ct);
    }

    private async Task<TensorSet> InferCoreAsync(TensorSet inputs, CancellationToken ct)
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

    /// <summary>The folder the version was loaded from; never shown to clients.</summary>
    internal string Folder => _slot.Folder;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _slot.EndLease();
    }
}
