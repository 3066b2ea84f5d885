using Lepton.Engine;
using Lepton.NN.Graph;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.NN.Planned;

/// <summary>
/// A training step of a classifier made of a chain of layers (a <see cref="Sequential"/>, or a graph whose nodes form one
/// chain) with the mean cross-entropy loss, planned once for one
/// input shape: every activation, gradient and scratch buffer is made at planning, and each step runs the layers'
/// kernels forward and backward between them without recording a graph. A step allocates nothing on the managed heap,
/// and its loss, logits and gradients are the same bits as the recorded ops give.
/// </summary>
public sealed partial class PlannedTrainingStep
{
    private readonly PlannedLayer[] _layers;
    private readonly Tensor _input;
    private readonly PlannedCrossEntropy _loss;

    // Per layer: the gradients it writes to buffers of its own, added after its backward into the gradient of a value that
    // another layer also reads (a residual block's input feeds its first convolution and the add); null for a chain.
    private readonly (Tensor Own, Tensor Into)[][]? _accumulate;

    private PlannedTrainingStep(Shape inputShape, PlannedLayer[] layers, Tensor input, Tensor logitsGrad, (Tensor, Tensor)[][]? accumulate = null)
    {
        InputShape = inputShape;
        _layers = layers;
        _input = input;
        _accumulate = accumulate;
        Logits = layers[^1].Y;
        _loss = new PlannedCrossEntropy(Logits.Shape[0], Logits.Shape[1]);
        LogitsGradient = logitsGrad;
        Gradients = new GradStore();
        foreach (var l in layers) l.AddParameterGradients(Gradients);
        _gradients = [.. Gradients.Entries];
    }

    // The store's entries as planned: Run puts them back, since gradient clipping replaces entries with scaled copies.
    private readonly KeyValuePair<Tensor, Tensor>[] _gradients;

    /// <summary>The input shape (N, ...) this step was planned for; other shapes need another plan.</summary>
    public Shape InputShape { get; }

    /// <summary>The gradients of the trainable parameters after <see cref="Run"/>, for an optimizer's Step (reused by every step).</summary>
    public GradStore Gradients { get; }

    /// <summary>The logits (N, classes) of the last <see cref="Run"/>; overwritten by the next.</summary>
    public Tensor Logits { get; }

    private Tensor LogitsGradient { get; }

    /// <summary>The class ids of the last <see cref="Run"/>.</summary>
    public ReadOnlySpan<int> Targets => _loss.Targets;

    /// <summary>
    /// Plans a step of <paramref name="model"/> for inputs of <paramref name="inputShape"/>, or returns null and says why
    /// in <paramref name="reason"/> when a layer has no planned form, the parameters are not float32, or the output is not
    /// (N, classes). Shape errors are the layers' own (as a forward pass would raise them).
    /// </summary>
    public static PlannedTrainingStep? TryCreate(Module model, Shape inputShape, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (!LayerChainOf(model, out var chain, out reason))
            return model is GraphModel graph ? TryCreateGraph(model, graph, inputShape, out reason) : null;
        if (chain.Count == 0) { reason = "the model has no layers"; return null; }
        if (!ParametersPlannable(model, out reason)) return null;
        var shapes = OutputShapes(model, chain, inputShape);
        if (shapes[^1].Rank != 2) { reason = $"the model's output {shapes[^1]} is not (N, classes)"; return null; }

        var planned = new List<(PlannedLayer Layer, Shape In, Shape Out)>();
        var shape = inputShape;
        var layers = chain.ToArray();
        for (int i = 0; i < layers.Length; i++)
        {
            // Each layer plans itself (and any layers it absorbs, as ReLU does a following max pool).
            if (layers[i] is not IPlannableLayer plannable)
            {
                reason = $"layer {i} ({layers[i].TypeName}) has no planned form";
                return null;
            }
            if (plannable.PlanRefusal is { } why)
            {
                reason = $"layer {i} ({layers[i].TypeName}) has no planned form: {why}";
                return null;
            }
            var p = plannable.Plan(shape, new ArraySegment<Module>(layers, i + 1, layers.Length - i - 1), out int absorbed);
            i += absorbed;
            planned.Add((p, shape, shapes[i]));
            shape = shapes[i];
        }

        // Activations: each layer's output buffer is the next one's input. Gradients: a layer's input gradient is the
        // previous one's output gradient; none is made before the first trainable parameter (nothing there needs one).
        var input = PlannedLayer.Buffer(inputShape);
        var x = input;
        foreach (var (layer, _, outShape) in planned)
        {
            layer.X = x;
            layer.Y = layer.ViewsInput ? PlannedLayer.View(x, outShape) : PlannedLayer.Buffer(outShape);
            x = layer.Y;
        }
        bool needed = false;
        var wantsInputGrad = new bool[planned.Count];
        for (int i = 0; i < planned.Count; i++)
        {
            wantsInputGrad[i] = needed;
            needed |= planned[i].Layer.HasTrainableParameters;
        }
        if (!needed) { reason = "the model has no trainable parameter"; return null; }
        var g = PlannedLayer.Buffer(shapes[^1]);
        var logitsGrad = g;
        for (int i = planned.Count - 1; i >= 0; i--)
        {
            var (layer, inShape, _) = planned[i];
            layer.GY = g;
            if (!wantsInputGrad[i]) break;
            layer.GX = layer.ViewsInput ? PlannedLayer.View(g, inShape) : PlannedLayer.Buffer(inShape);
            g = layer.GX;
        }
        reason = null;
        return new PlannedTrainingStep(inputShape, [.. planned.Select(p => p.Layer)], input, logitsGrad);
    }

    private static bool ParametersPlannable(Module model, out string? reason)
    {
        reason = null;
        if (model.Parameters().FirstOrDefault(p => p.Value.DType != DType.Float32) is { } p64)
        {
            reason = $"parameter '{p64.Name}' is {p64.Value.DType}; planned steps run float32 models";
            return false;
        }
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in model.NamedParameters())
            if (!seen.Add(p.Value))
            {
                // A shared weight gets one gradient per use, summed by the recorded backward; a plan keeps one buffer per layer.
                reason = $"parameter '{name}' is shared by more than one layer";
                return false;
            }
        return true;
    }

    /// <summary>The layers a model runs one after another: a Sequential's, or a graph's when its nodes (and blocks) form one chain.</summary>
    private static bool LayerChainOf(Module model, out IReadOnlyList<Module> chain, out string? reason)
    {
        reason = null;
        switch (model)
        {
            case Sequential s:
                chain = s.Layers;
                return true;
            case Graph.GraphModel g:
                var layers = new List<Module>();
                if (!g.TryFlattenChain(layers, out reason))
                {
                    chain = [];
                    return false;
                }
                chain = layers;
                return true;
            default:
                chain = [];
                reason = $"the model is a {model.TypeName}, neither a Sequential nor a graph";
                return false;
        }
    }

    // Each layer's output shape for a zero batch run through the chain in eval mode without gradients.
    private static Shape[] OutputShapes(Module model, IReadOnlyList<Module> chain, Shape inputShape)
    {
        // Each module's own mode comes back, not the root's for all: a frozen BatchNorm stays in eval.
        var modes = model.SaveModes();
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            var x = Tensor.Zeros(inputShape);
            var shapes = new Shape[chain.Count];
            for (int i = 0; i < chain.Count; i++)
            {
                x = chain[i].Forward(x);
                shapes[i] = x.Shape;
            }
            return shapes;
        }
        finally
        {
            model.RestoreModes(modes);
        }
    }

    /// <summary>
    /// True when this plan still fits the model and <paramref name="inputShape"/>: the same shape and the same parameter
    /// tensors with the same Trainable flags (a frozen or converted parameter needs a new plan).
    /// </summary>
    public bool Fits(Shape inputShape)
    {
        if (inputShape != InputShape) return false;
        foreach (var l in _layers) if (!l.ParametersUnchanged) return false;
        return true;
    }

    /// <summary>
    /// Forward, loss and backward for one batch: <paramref name="x"/> of <see cref="InputShape"/>, <paramref name="targets"/>
    /// Int32 class ids (N). Returns the mean cross-entropy; <see cref="Gradients"/> then holds every trainable parameter's
    /// gradient and <see cref="Logits"/> the outputs. The model must be in the mode to train in (Train()).
    /// </summary>
    public float Run(Tensor x, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(targets);
        if (x.Shape != InputShape || x.DType != DType.Float32)
            throw new ArgumentException($"Planned training step for input {InputShape} Float32 got {x.DType} {x.Shape}; plan another step for this shape.");
        if (!Fits(InputShape))
            throw new InvalidOperationException("Planned training step: a parameter was replaced, frozen or unfrozen since the step was planned; plan it again.");
        foreach (var (p, g) in _gradients) Gradients.Set(p, g);
        x.DenseData().Span<float>().CopyTo(_input.Span<float>());
        for (int i = 0; i < _layers.Length; i++) _layers[i].Forward();
        float loss = _loss.Forward(Logits, targets);
        _loss.Backward(LogitsGradient);
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var l = _layers[i];
            if (!l.NeedsBackward) continue;
            l.Backward();
            if (_accumulate?[i] is { Length: > 0 } shares)
                foreach (var (own, into) in shares) VectorMath.AddTo<float>(own.Span<float>(), into.Span<float>());
        }
        return loss;
    }

    /// <summary>How many rows of the last <see cref="Logits"/> have their largest value at the target class (ties to the lowest class).</summary>
    public int CountCorrect()
    {
        var logits = Logits.Span<float>();
        int n = Logits.Shape[0], c = Logits.Shape[1], correct = 0;
        var ids = _loss.Targets;
        for (int r = 0; r < n; r++)
        {
            var row = logits.Slice(r * c, c);
            int best = 0;
            for (int j = 1; j < c; j++) if (row[j] > row[best]) best = j;
            if (best == ids[r]) correct++;
        }
        return correct;
    }

    public override string ToString() => $"PlannedTrainingStep({_layers.Length} layers, input {InputShape})";
}
