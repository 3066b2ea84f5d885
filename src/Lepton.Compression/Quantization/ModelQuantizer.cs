using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Layers;
using Lepton.NN.Layers.Quantized;
using Lepton.NN.Serialization;

namespace Lepton.Compression.Quantization;

/// <summary>
/// One quantizable layer: its position, type, input quantization, how far rounding moved its weights, whether the model uses
/// it in int8 (else it stayed float32), and the timing that decided (null when every layer was quantized without timing).
/// </summary>
public sealed record QuantizedLayerInfo(int Index, string Type, ActivationQuantization Input, double WeightRelativeError, bool IsInt8 = true,
    LayerTiming? Timing = null)
{
    /// <summary>The node's path in a graph model (<c>layer2.conv1</c>); null in a Sequential, where <see cref="Index"/> is the layer's position.</summary>
    public string? Path { get; init; }

    /// <summary>How the layer is named to people: its graph path, or its position in a Sequential.</summary>
    public string Label => Path ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A quantized copy of a float model (a Sequential or a graph model, as the source was) and what was done to each quantizable layer.</summary>
public sealed record QuantizedModel(Module Model, IReadOnlyList<QuantizedLayerInfo> Layers)
{
    /// <summary>The layers the model runs in int8.</summary>
    public IEnumerable<QuantizedLayerInfo> Int8Layers => Layers.Where(l => l.IsInt8);
}

/// <summary>
/// Post-training static quantization of a Sequential or a graph model (<see cref="GraphQuantizer"/>): every <see cref="Linear"/> and <see cref="Conv2d"/> (groups = 1) becomes
/// <see cref="QuantizedLinear"/> / <see cref="QuantizedConv2d"/> with per-channel symmetric int8 weights and a per-tensor input
/// quantization calibrated on sample inputs (with <see cref="LayerPrecision.Faster"/>, only where that makes the model no
/// slower on this machine); other layers are copied as they are and stay float.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>Whether <paramref name="layer"/> has an int8 counterpart.</summary>
    public static bool IsQuantizable(Module layer) => layer is Linear || layer is Conv2d { Options.Groups: 1 };

    /// <summary>
    /// Quantizes a Sequential (as <see cref="Quantize(Sequential, IReadOnlyList{Tensor}, QuantizeOptions, ModelRace?, CancellationToken)"/>)
    /// or a one-input graph model built from a graph spec.
    /// </summary>
    public static QuantizedModel Quantize(Module model, IReadOnlyList<Tensor> batches, QuantizeOptions options, ModelRace? race = null,
        CancellationToken ct = default) => model switch
    {
        Sequential sequential => Quantize(sequential, batches, options, race, ct),
        GraphModel graph => QuantizeGraph(graph, batches, options, race, ct),
        null => throw new ArgumentNullException(nameof(model)),
        _ => throw new ArgumentException($"A {model.TypeName} cannot be quantized: int8 quantization takes a Sequential or a graph model built from a graph spec."),
    };

    private static QuantizedModel QuantizeGraph(GraphModel model, IReadOnlyList<Tensor> batches, QuantizeOptions options, ModelRace? race, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (batches.Count == 0 || batches.All(b => b.Shape[0] == 0))
            throw new ArgumentException("Quantization needs at least one calibration example; the calibration data gave none.");
        return GraphQuantizer.Quantize(model, batches, options, race, ct);
    }

    /// <summary>
    /// Calibrates on <paramref name="batches"/> (preprocessed model inputs, (N, ...) each) and returns the quantized copy;
    /// <paramref name="model"/> is left as it was (its train/eval mode included); the copy is ready for inference (read-only
    /// weights, as <see cref="Module.PrepareForInference"/> leaves them). <paramref name="race"/> times model versions
    /// for <see cref="LayerPrecision.Faster"/> (default: <see cref="PrecisionSelection.Timed"/> on inputs shaped like the batches).
    /// </summary>
    public static QuantizedModel Quantize(Sequential model, IReadOnlyList<Tensor> batches, QuantizeOptions options, ModelRace? race = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var targets = Enumerable.Range(0, model.Count).Where(i => IsQuantizable(model[i])).ToArray();
        if (targets.Length == 0)
            throw new ArgumentException(
                $"The model has no Linear or Conv2d (groups = 1) layer to quantize; its layers are {string.Join(", ", model.Layers.Select(l => l.TypeName))}.");
        if (batches.Count == 0 || batches.All(b => b.Shape[0] == 0))
            throw new ArgumentException("Quantization needs at least one calibration example; the calibration data gave none.");

        var observers = targets.ToDictionary(i => i, _ => new ActivationObserver(options.Bins));
        var modes = model.SaveModes();
        model.Eval();
        try
        {
            Observe(model, batches, observers, histogram: false, ct);
            if (options.Method != CalibrationMethod.MinMax) Observe(model, batches, observers, histogram: true, ct);
        }
        finally
        {
            model.RestoreModes(modes);
        }

        var specs = LayerRegistry.Describe(model);
        var floatLayers = new Module[model.Count];
        var int8Layers = new Dictionary<int, Module>();
        var quantized = new Dictionary<int, (ActivationQuantization Input, double Error)>();
        // A convolution followed by a batch norm (with running statistics) takes it into its int8 weights; the batch norm
        // is then left out of the model wherever that convolution runs in int8.
        var foldsNext = new HashSet<int>();
        for (int i = 0; i < model.Count; i++)
        {
            var layer = model[i];
            if (observers.TryGetValue(i, out var observer))
            {
                var input = RangeEstimation.Estimate(observer, options);
                bool fold = layer is Conv2d conv && i + 1 < model.Count && model[i + 1] is BatchNorm2d { RunningMean: not null } bn && bn.NumFeatures == conv.OutChannels;
                var (int8, error) = Convert(fold ? WithFoldedBatchNorm((Conv2d)layer, (BatchNorm2d)model[i + 1]) : layer, input);
                if (fold) foldsNext.Add(i);
                int8Layers[i] = int8;
                quantized[i] = (input, error);
                if (options.Layers == LayerPrecision.All) continue; // no float copy needed: it is never raced
            }
            var copy = LayerRegistry.Create(specs[i].Type, specs[i].Options, new Generator(options.Seed), $"layer {i} ({specs[i].Type})");
            copy.LoadStateDict(layer.StateDict());
            floatLayers[i] = copy;
        }

        // The layers with the given positions in int8 (and the batch norms they folded left out).
        Module[] WithInt8(IReadOnlyCollection<int> positions) =>
            [.. Enumerable.Range(0, model.Count)
                .Where(i => !(i > 0 && foldsNext.Contains(i - 1) && positions.Contains(i - 1)))
                .Select(i => positions.Contains(i) ? int8Layers[i] : floatLayers[i])];

        var candidates = int8Layers.Keys.Order().ToArray();
        IReadOnlyList<int> int8Positions = candidates;
        IReadOnlyDictionary<int, LayerTiming> timings = new Dictionary<int, LayerTiming>();
        if (options.Layers != LayerPrecision.All)
        {
            var first = batches.First(b => b.Shape[0] > 0);
            int[] inputShape = [-1, .. first.Shape.ToArray().Skip(1)];
            (int8Positions, timings) = PrecisionSelection.Choose(candidates, positions => new Sequential(WithInt8(positions)), options.BatchSize,
                race ?? PrecisionSelection.Timed(inputShape, SelectionRepeats, ct));
        }
        var result = new Sequential(WithInt8(int8Positions));
        result.PrepareForInference();
        var infos = quantized.OrderBy(q => q.Key).Select(q => new QuantizedLayerInfo(q.Key, model[q.Key].TypeName, q.Value.Input, q.Value.Error,
            IsInt8: int8Positions.Contains(q.Key), Timing: timings.GetValueOrDefault(q.Key))).ToList();
        return new QuantizedModel(result, infos);
    }

    /// <summary>A float copy of <paramref name="conv"/> with <paramref name="bn"/> folded into its weights and bias (what its int8 twin quantizes).</summary>
    internal static Conv2d WithFoldedBatchNorm(Conv2d conv, BatchNorm bn)
    {
        var (w, b) = bn.FoldInto(conv.Weight.Value, conv.Bias?.Value);
        var folded = new Conv2d(conv.InChannels, conv.OutChannels, conv.KernelSize, conv.Options with { Bias = true }, new Generator(0));
        folded.LoadStateDict(new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["weight"] = w, ["bias"] = b });
        return folded;
    }

    // Timed blocks per model version when layers are chosen by speed (alternating, median), after warm-up.
    internal const int SelectionRepeats = 9;

    // Runs the layers one at a time (no fusions) so each quantized layer's float input can be watched; stops after the last one.
    private static void Observe(Sequential model, IReadOnlyList<Tensor> batches, Dictionary<int, ActivationObserver> observers, bool histogram, CancellationToken ct)
    {
        int last = observers.Keys.Max();
        using var _ = new NoGrad();
        foreach (var batch in batches)
        {
            ct.ThrowIfCancellationRequested();
            var x = batch.DType == DType.Float32 ? batch.Contiguous() : batch.To(DType.Float32).Contiguous();
            for (int i = 0; i <= last; i++)
            {
                if (observers.TryGetValue(i, out var o))
                {
                    if (histogram) o.ObserveHistogram(x.Span<float>());
                    else o.ObserveRange(x.Span<float>());
                }
                x = model[i].Forward(x).Contiguous();
            }
        }
    }

    internal static (Module Layer, double Error) Convert(Module layer, ActivationQuantization input)
    {
        switch (layer)
        {
            case Linear l:
            {
                var w = l.Weight.Value.Contiguous().ToArray();
                var (codes, scales) = WeightQuantization.PerChannel(w, l.OutFeatures);
                var q = new QuantizedLinear(l.InFeatures, l.OutFeatures, l.Options)
                    .Set(codes, scales, l.Bias?.Value.ToArray(), input.Scale, input.ZeroPoint);
                return (q, RelativeError(w, codes, scales));
            }
            case Conv2d c:
            {
                var w = c.Weight.Value.Contiguous().ToArray();
                var (codes, scales) = WeightQuantization.PerChannel(w, c.OutChannels);
                var q = new QuantizedConv2d(c.InChannels, c.OutChannels, c.KernelSize, c.Options)
                    .Set(codes, scales, c.Bias?.Value.ToArray(), input.Scale, input.ZeroPoint);
                return (q, RelativeError(w, codes, scales));
            }
            default:
                throw new InvalidOperationException($"ModelQuantizer: {layer.TypeName} has no int8 counterpart.");
        }
    }

    // ||w - dequantized|| / ||w||: how much of the weights rounding lost.
    private static double RelativeError(float[] w, sbyte[] codes, float[] scales)
    {
        int row = w.Length / scales.Length;
        double diff = 0, norm = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double d = w[i] - (double)codes[i] * scales[i / row];
            diff += d * d;
            norm += (double)w[i] * w[i];
        }
        return norm == 0 ? 0 : Math.Sqrt(diff / norm);
    }
}
