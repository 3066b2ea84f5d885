using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Serialization;

namespace Lepton.Runtime;

/// <summary>
/// A Lepton network loaded from a model folder, prepared for inference (eval mode, read-only packed weights), predicting in
/// batches without autograd. Its signature comes from model.json: every input (a graph may take several, an image input
/// carries its resize policy), and outputs by task: class logits, one output decoded by a binary, multi-label or regression
/// task, or a graph's several outputs as tensors.
/// </summary>
public sealed class NeuralNetworkPredictor : IPredictor
{
    // A sequence input (one variable example axis, e.g. token ids (N,T) or their mask) pads with zeros to share a batch: a
    // masked model ignores the padded positions, and zero is a valid token id and the mask's "not a token".
    private static PaddingRule? SequencePadding(int[] exampleShape)
    {
        int axis = Array.IndexOf(exampleShape, -1);
        return axis >= 0 && Array.LastIndexOf(exampleShape, -1) == axis ? new PaddingRule(axis) : null;
    }

    public const string OutputName = "logits";

    private readonly Module _network;
    private readonly Preprocessing?[] _preprocessing;
    private readonly int _batchSize;

    public NeuralNetworkPredictor(LoadedModel loaded, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}.");
        var spec = loaded.Spec;
        foreach (var input in spec.Inputs)
            if (input.Shape.Length == 0 || input.Shape[0] != -1)
                throw new InvalidDataException($"model.json input '{input.Name}' has shape [{string.Join(",", input.Shape)}]; it must start with -1 for the batch dimension.");
        Model = loaded;
        _network = loaded.Model;
        Signature = new PredictorSignature(
            [.. spec.Inputs.Select(i => new TensorSignature(i.Name, i.DType, i.Shape[1..], SequencePadding(i.Shape[1..]),
                image: i.Kind == InputKind.Image ? ImagePolicy.Of(i) : null))],
            Outputs(spec, _network, out var kind), kind, spec.ClassNames, kind == OutputKind.TaskAnswers ? spec.Task : null);
        _preprocessing = [.. spec.Inputs.Select((_, i) => spec.PreprocessingOf(i) is { } pre
            ? new Preprocessing((float)pre.Scale, (pre.Mean ?? []).Select(v => (float)v).ToArray(), (pre.Std ?? []).Select(v => (float)v).ToArray())
            : null)];
        _batchSize = batchSize;
        // A predictor never trains: its weights become read-only and layers keep them packed for the kernels.
        _network.PrepareForInference();
    }

    public string Kind => LeptonModelKind.KindName;

    public PredictorSignature Signature { get; }

    public LoadedModel Model { get; }

    /// <summary>The first input's scale and per-channel normalization from model.json; <see cref="Preprocessing.Identity"/> when none.</summary>
    public Preprocessing Preprocessing => _preprocessing[0] ?? Preprocessing.Identity;

    public Tensor Preprocess(int input, Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (input < 0 || input >= Signature.Inputs.Count)
            throw new ArgumentOutOfRangeException(nameof(input), $"The model has {Signature.Inputs.Count} input(s); got input index {input}.");
        // Each input's own preprocessing (the model's top-level one for the first). Apply copies, so the raw tensor stays as the client sent it for the log.
        return _preprocessing[input] is { } pre ? pre.Apply(raw) : raw;
    }

    public TensorSet Predict(TensorSet inputs)
    {
        if (inputs.Count != Signature.Inputs.Count)
            throw new ArgumentException(
                $"The model takes {Signature.Inputs.Count} input(s) ({string.Join(", ", Signature.Inputs.Select(i => i.Name))}), got {inputs.Count}.", nameof(inputs));
        try
        {
            if (inputs.Count == 1 && Signature.Outputs.Count == 1) return Inference.Forward(_network, inputs[0], _batchSize);
            var all = new Tensor[inputs.Count];
            for (int i = 0; i < all.Length; i++) all[i] = inputs[i];
            return new TensorSet(Inference.ForwardMany(_network, all, _batchSize));
        }
        catch (Exception e) when (HasIntegerInput(inputs) && IsIndexValue(e))
        {
            // Integer inputs index tables (embeddings, gathers); an id past a table's end is the sender's mistake.
            throw new PredictorInputException(e.Message, e);
        }
    }

    // Layers and graph nodes wrap what failed inside them with their own names; the cause is at the bottom of the chain.
    private static bool IsIndexValue(Exception e)
    {
        for (Exception? at = e; at is not null; at = at.InnerException)
            if (at is IndexValueException or IndexOutOfRangeException) return true;
        return false;
    }

    private static bool HasIntegerInput(TensorSet inputs)
    {
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i].DType.IsInteger()) return true;
        return false;
    }

    /// <summary>Nothing native to free: the weights are managed arrays.</summary>
    public void Dispose()
    {
    }

    // Each output's example shape for a batch of one; null when the network fails on it, which the warm-up then reports.
    private static int[][]? Probe(Module network, ModelSpec spec)
    {
        try
        {
            return [.. ShapeProbe.OutputShapes(network, spec.Inputs).Select(s => s.Dims[1..].ToArray())];
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // The outputs model.json and the network imply, and what they mean.
    private static TensorSignature[] Outputs(ModelSpec spec, Module network, out OutputKind kind)
    {
        var names = ShapeProbe.OutputNames(network);
        bool fixedInputs = spec.Inputs.All(i => i.Shape.Skip(1).All(d => d > 0));
        // A batch of one through the network learns each output's size; with variable-length inputs the sizes stay open.
        var shapes = fixedInputs ? Probe(network, spec) : null;
        if (names.Count > 1)
        {
            kind = OutputKind.Tensors;
            return [.. names.Select((n, i) => new TensorSignature(n, DType.Float32, shapes?[i] ?? [-1]))];
        }
        string name = network is GraphModel ? names[0] : spec.Task.Kind == TaskKind.Regression ? "values" : OutputName;
        int width = shapes is { } s && s[0].Length == 1 ? s[0][0] : spec.ClassNames.Count > 0 ? spec.ClassNames.Count : -1;
        kind = spec.Task.Kind == TaskKind.Multiclass ? OutputKind.ClassLogits : OutputKind.TaskAnswers;
        return [new TensorSignature(name, DType.Float32, [width])];
    }
}
