using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using static Lepton.Compression.Onnx.Export.OnnxGraphWriter;

namespace Lepton.Compression.Onnx.Export;

/// <summary>Writes one layer as ONNX nodes: takes its input value names, returns its output value names.</summary>
internal delegate IReadOnlyList<string> OnnxLayerExport(OnnxGraphWriter writer, Module layer, string path, IReadOnlyList<string> inputs);

/// <summary>
/// The ONNX form of each layer type Lepton can export (opset 17), one entry per type in a table. Weights become initializers
/// named by their state-dict names (<c>0.weight</c>, <c>layer1.conv1.weight</c>); eval-mode semantics throughout (Dropout
/// vanishes, BatchNorm uses its running statistics).
/// </summary>
internal static class OnnxLayerExports
{
    private static readonly Dictionary<Type, OnnxLayerExport> Table = new()
    {
        [typeof(Linear)] = One((w, l, p, x) => Linear(w, (Linear)l, p, x)),
        [typeof(Conv2d)] = One((w, l, p, x) => Conv(w, (Conv2d)l, p, x)),
        [typeof(BatchNorm1d)] = One((w, l, p, x) => BatchNorm(w, (BatchNorm)l, p, x)),
        [typeof(BatchNorm2d)] = One((w, l, p, x) => BatchNorm(w, (BatchNorm)l, p, x)),
        [typeof(LayerNorm)] = One((w, l, p, x) => LayerNorm(w, (LayerNorm)l, p, x)),
        [typeof(ReLU)] = Unary("Relu"),
        [typeof(Sigmoid)] = Unary("Sigmoid"),
        [typeof(Tanh)] = Unary("Tanh"),
        [typeof(Exp)] = Unary("Exp"),
        [typeof(LeakyReLU)] = One((w, l, p, x) => w.Node("LeakyRelu", [x], p, w.RankOf(x), Float("alpha", ((LeakyReLU)l).NegativeSlope))),
        [typeof(GELU)] = One((w, _, p, x) => Gelu(w, p, x)),
        [typeof(Softmax)] = One((w, l, p, x) => w.Node("Softmax", [x], p, w.RankOf(x), Int("axis", ((Softmax)l).Dim))),
        [typeof(MaxPool2d)] = One((w, l, p, x) => Pool(w, "MaxPool", ((MaxPool2d)l).KernelSize, ((MaxPool2d)l).Stride, ((MaxPool2d)l).Options.Padding, p, x)),
        [typeof(AvgPool2d)] = One((w, l, p, x) => Pool(w, "AveragePool", ((AvgPool2d)l).KernelSize, ((AvgPool2d)l).Stride, ((AvgPool2d)l).Options.Padding, p, x,
            Int("count_include_pad", 1))),
        [typeof(AdaptiveAvgPool2d)] = One((w, l, p, x) => AdaptiveAvg(w, (AdaptiveAvgPool2d)l, p, x)),
        [typeof(Flatten)] = One((w, l, p, x) => Flatten(w, (Flatten)l, p, x)),
        [typeof(Reshape)] = One((w, l, p, x) => w.Node("Reshape", [x, w.Constant([0L, .. ((Reshape)l).Dims.Select(d => (long)d)], ((Reshape)l).Dims.Length + 1)], p,
            ((Reshape)l).Dims.Length + 1)),
        [typeof(Permute)] = One((w, l, p, x) => w.Node("Transpose", [x], p, ((Permute)l).Dims.Length, Ints("perm", [.. ((Permute)l).Dims.Select(d => (long)d)]))),
        [typeof(Mean)] = One((w, l, p, x) => Mean(w, (Mean)l, p, x)),
        // Inference drops dropout: its output is its input.
        [typeof(Dropout)] = (_, _, _, inputs) => [inputs[0]],
        [typeof(Embedding)] = One((w, l, p, x) => w.Node("Gather", [w.Initializer(p + ".weight", ((Embedding)l).Weight.Value), x], p, w.RankOf(x) + 1, Int("axis", 0))),
        [typeof(Add)] = Merge("Add"),
        [typeof(Mul)] = Merge("Mul"),
        [typeof(Concat)] = (w, l, p, xs) => [xs.Count == 1 ? xs[0] : w.Node("Concat", xs, p, w.RankOf(xs[0]), Int("axis", ((Concat)l).Dim))],
    };

    /// <summary>The layer types that export, for error messages and docs.</summary>
    public static IEnumerable<string> SupportedTypes => Table.Keys.Select(t => t.Name).Concat(OnnxAttentionExports.Types).Order(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="layer"/> at <paramref name="path"/>; a layer without an ONNX form is an error naming it.</summary>
    public static IReadOnlyList<string> Export(OnnxGraphWriter writer, Module layer, string path, IReadOnlyList<string> inputs)
    {
        if (Table.TryGetValue(layer.GetType(), out var export)) return export(writer, layer, path, inputs);
        if (OnnxAttentionExports.TryExport(writer, layer, path, inputs) is { } outputs) return outputs;
        throw new NotSupportedException(
            $"ONNX export: layer '{path}' ({layer.TypeName}) has no ONNX form in Lepton yet. Layers that export: {string.Join(", ", SupportedTypes)}.");
    }

    private static OnnxLayerExport One(Func<OnnxGraphWriter, Module, string, string, string> export) =>
        (w, l, p, inputs) => [export(w, l, p, inputs[0])];

    private static OnnxLayerExport Unary(string op) => One((w, _, p, x) => w.Node(op, [x], p, w.RankOf(x)));

    private static OnnxLayerExport Merge(string op) => (w, _, p, xs) =>
    {
        var y = xs[0];
        for (int i = 1; i < xs.Count; i++) y = w.Node(op, [y, xs[i]], p, Math.Max(w.RankOf(y) ?? 0, w.RankOf(xs[i]) ?? 0));
        return [y];
    };

    // x: (N,F) → Gemm(x, Wᵀ) + b; x: (N,...,F) → MatMul(x, Wᵀ) + b, the transposed weight stored once.
    private static string Linear(OnnxGraphWriter w, Linear layer, string path, string x)
    {
        var weight = layer.Weight.Value;
        if (w.RankOf(x) == 2)
        {
            var inputs = new List<string> { x, w.Initializer(path + ".weight", weight) };
            if (layer.Bias is { } b) inputs.Add(w.Initializer(path + ".bias", b.Value));
            return w.Node("Gemm", inputs, path, 2, Int("transB", 1));
        }
        var wt = w.Initializer(path + ".weight_t", weight.Transpose(0, 1).Contiguous());
        var y = w.Node("MatMul", [x, wt], path + "_matmul", w.RankOf(x));
        return layer.Bias is { } bias ? w.Node("Add", [y, w.Initializer(path + ".bias", bias.Value)], path, w.RankOf(x)) : y;
    }

    private static string Conv(OnnxGraphWriter w, Conv2d layer, string path, string x)
    {
        var o = layer.Options;
        var inputs = new List<string> { x, w.Initializer(path + ".weight", layer.Weight.Value) };
        if (layer.Bias is { } b) inputs.Add(w.Initializer(path + ".bias", b.Value));
        return w.Node("Conv", inputs, path, 4,
            Ints("kernel_shape", layer.KernelSize, layer.KernelSize), Ints("strides", o.Stride, o.Stride),
            Ints("pads", o.Padding, o.Padding, o.Padding, o.Padding), Ints("dilations", o.Dilation, o.Dilation), Int("group", o.Groups));
    }

    // Eval mode: (x - running_mean) / sqrt(running_var + eps) * γ + β.
    private static string BatchNorm(OnnxGraphWriter w, BatchNorm layer, string path, string x)
    {
        if (layer.RunningMean is not { } mean || layer.RunningVar is not { } variance)
            throw new NotSupportedException(
                $"ONNX export: layer '{path}' ({layer.TypeName}) has track_running_stats=false, so it normalizes by each batch's statistics; " +
                "ONNX BatchNormalization in inference uses stored statistics. Train with track_running_stats=true to export.");
        int c = layer.NumFeatures;
        var scale = layer.Weight is { } g ? w.Initializer(path + ".weight", g.Value) : w.Constant(Enumerable.Repeat(1f, c).ToArray(), c);
        var shift = layer.Bias is { } b ? w.Initializer(path + ".bias", b.Value) : w.Constant(new float[c], c);
        return w.Node("BatchNormalization", [x, scale, shift, w.Initializer(path + ".running_mean", mean), w.Initializer(path + ".running_var", variance)],
            path, w.RankOf(x), Float("epsilon", layer.Options.Eps));
    }

    // Opset 17 LayerNormalization over the last k axes.
    private static string LayerNorm(OnnxGraphWriter w, LayerNorm layer, string path, string x)
    {
        var shape = layer.NormalizedShape;
        var named = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value);
        var scale = named.TryGetValue("weight", out var g) ? w.Initializer(path + ".weight", g) : w.Initializer(path + ".weight", Tensor.Ones(new Shape(shape)));
        var shift = named.TryGetValue("bias", out var b) ? w.Initializer(path + ".bias", b) : w.Initializer(path + ".bias", Tensor.Zeros(new Shape(shape)));
        return w.Node("LayerNormalization", [x, scale, shift], path, w.RankOf(x), Int("axis", -shape.Length), Float("epsilon", layer.Options.Eps));
    }

    // Opset 17 has no Gelu (it came in opset 20): x · ½ · (1 + erf(x / √2)), the exact form Lepton computes.
    internal static string Gelu(OnnxGraphWriter w, string path, string x)
    {
        int? rank = w.RankOf(x);
        var scaled = w.Node("Mul", [x, w.Constant([0.70710678118654752440f])], path + "_scaled", rank);
        var erf = w.Node("Erf", [scaled], path + "_erf", rank);
        var onePlus = w.Node("Add", [erf, w.Constant([1f])], path + "_one_plus", rank);
        var half = w.Node("Mul", [x, w.Constant([0.5f])], path + "_half", rank);
        return w.Node("Mul", [half, onePlus], path, rank);
    }

    private static string Pool(OnnxGraphWriter w, string op, int kernel, int stride, int padding, string path, string x, params global::Onnx.AttributeProto[] extra) =>
        w.Node(op, [x], path, 4, [Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding), .. extra]);

    private static string AdaptiveAvg(OnnxGraphWriter w, AdaptiveAvgPool2d layer, string path, string x)
    {
        if (layer.OutputH != 1 || layer.OutputW != 1)
            throw new NotSupportedException(
                $"ONNX export: layer '{path}' (AdaptiveAvgPool2d) pools to ({layer.OutputH},{layer.OutputW}); only output size 1 (GlobalAveragePool) exports. " +
                "Use AvgPool2d with a fixed kernel for other sizes.");
        return w.Node("GlobalAveragePool", [x], path, 4);
    }

    // Flatten(1, -1) is ONNX Flatten(axis=1); other ranges reshape with 0 (keep) and -1 (join) entries.
    private static string Flatten(OnnxGraphWriter w, Flatten layer, string path, string x)
    {
        var (start, end) = (layer.Options.StartDim, layer.Options.EndDim);
        if (start == 1 && end == -1) return w.Node("Flatten", [x], path, 2, Int("axis", 1));
        if (w.RankOf(x) is not { } rank)
            throw new NotSupportedException($"ONNX export: layer '{path}' (Flatten(start_dim={start}, end_dim={end})) needs its input's rank, which an earlier layer left unknown.");
        int s = start < 0 ? start + rank : start, e = end < 0 ? end + rank : end;
        var target = new List<long>();
        for (int i = 0; i < rank; i++)
        {
            if (i < s || i > e) target.Add(0);
            else if (i == s) target.Add(-1);
        }
        return w.Node("Reshape", [x, w.Constant([.. target], target.Count)], path, target.Count);
    }

    private static string Mean(OnnxGraphWriter w, Mean layer, string path, string x)
    {
        int? rank = w.RankOf(x);
        return w.Node("ReduceMean", [x], path, rank is { } r ? (layer.KeepDim ? r : r - layer.Dims.Length) : null,
            Ints("axes", [.. layer.Dims.Select(d => (long)d)]), Int("keepdims", layer.KeepDim ? 1 : 0));
    }
}
