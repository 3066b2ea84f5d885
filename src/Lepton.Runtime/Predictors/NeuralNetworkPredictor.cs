using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Serialization;

namespace Lepton.Runtime;

/// <summary>
/// A Lepton network loaded from a model folder, prepared for inference (eval mode, read-only packed weights), predicting in
/// batches without autograd. Today's Lepton models are classifiers: one input, one output of class logits.
/// </summary>
public sealed class NeuralNetworkPredictor : IPredictor
{
    public const string OutputName = "logits";

    private readonly Module _network;
    private readonly Preprocessing? _preprocessing;
    private readonly int _batchSize;

    public NeuralNetworkPredictor(LoadedModel loaded, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}.");
        var spec = loaded.Spec;
        var dims = spec.Input.Shape;
        if (dims.Length == 0 || dims[0] != -1)
            throw new InvalidDataException($"model.json input.shape must start with -1 for the batch dimension, got [{string.Join(",", dims)}].");
        Model = loaded;
        int classes = spec.ClassNames.Count > 0 ? spec.ClassNames.Count : -1;
        // A model that names no classes declares a variable output length; the warm-up finds the real one.
        Signature = new PredictorSignature(
            [new TensorSignature(spec.Input.Name, spec.Input.DType, dims[1..])],
            [new TensorSignature(OutputName, DType.Float32, [classes])],
            OutputKind.ClassLogits, spec.ClassNames);
        var pre = spec.Preprocessing;
        _preprocessing = pre is null
            ? null
            : new Preprocessing((float)pre.Scale, (pre.Mean ?? []).Select(v => (float)v).ToArray(), (pre.Std ?? []).Select(v => (float)v).ToArray());
        _batchSize = batchSize;
        _network = loaded.Model;
        // A predictor never trains: its weights become read-only and layers keep them packed for the kernels.
        _network.PrepareForInference();
    }

    public string Kind => LeptonModelKind.KindName;

    public PredictorSignature Signature { get; }

    public LoadedModel Model { get; }

    /// <summary>The scale and per-channel normalization stored in model.json; <see cref="Preprocessing.Identity"/> when none.</summary>
    public Preprocessing Preprocessing => _preprocessing ?? Preprocessing.Identity;

    public Tensor Preprocess(int input, Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (input != 0) throw new ArgumentOutOfRangeException(nameof(input), $"A Lepton network here has one input; got input index {input}.");
        // Apply copies, so the raw tensor stays as the client sent it for the prediction log.
        return _preprocessing is null ? raw : _preprocessing.Apply(raw);
    }

    public TensorSet Predict(TensorSet inputs)
    {
        if (inputs.Count != 1)
            throw new ArgumentException($"{Signature.Inputs[0].Name}: a Lepton network here takes one input tensor, got {inputs.Count}.", nameof(inputs));
        return Inference.Forward(_network, inputs[0], _batchSize);
    }

    /// <summary>Nothing native to free: the weights are managed arrays.</summary>
    public void Dispose()
    {
    }
}
