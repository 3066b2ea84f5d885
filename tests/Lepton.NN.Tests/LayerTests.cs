using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>
/// One layer-test helper run for every layer: output shape, parameter count, save/load round trip
/// through ModelFile, and a Float64 gradient check of the input and every parameter.
/// </summary>
public class LayerTests
{
    /// <param name="Make">Builds the layer from a generator.</param>
    /// <param name="Input">Input shape (batch first).</param>
    /// <param name="Output">Expected output shape.</param>
    /// <param name="Params">Expected parameter count.</param>
    /// <param name="IntInput">Input is Int32 ids in [0, 5) (Embedding).</param>
    /// <param name="GradCheckTraining">Run the gradient check in training mode (false for Dropout, whose mask changes per call).</param>
    /// <param name="More">Shapes of further inputs (merge ops take two or more).</param>
    /// <param name="Fixed">Further inputs that are data rather than differentiable values (lengths, padding masks), made afresh per use.</param>
    /// <param name="InferenceOnly">The layer has no gradient (int8 layers); the gradient check does not apply.</param>
    public sealed record Case(Func<Generator, Module> Make, int[] Input, int[] Output, long Params,
        bool IntInput = false, bool GradCheckTraining = true, int[][]? More = null, Func<Tensor[]>? Fixed = null, bool InferenceOnly = false);

    private static Tensor[] Lengths(params int[] lengths) => [Tensor.FromArray(lengths)];

    private static Tensor[] Mask(int n, int t, params int[] lengths) =>
        [Tensor.FromArray(Enumerable.Range(0, n * t).Select(i => i % t < lengths[i / t] ? 1f : 0f).ToArray(), n, t)];

    private static TransformerEncoderLayerOptions SmallEncoder(string activation = "relu", bool normFirst = false) =>
        new(DimFeedforward: 16, Dropout: 0, Activation: activation, NormFirst: normFirst);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["Linear"] = new(g => new Linear(4, 3, rng: g), [2, 4], [2, 3], 15),
        ["Linear_NoBias_3d"] = new(g => new Linear(4, 3, new LinearOptions(Bias: false), g), [2, 5, 4], [2, 5, 3], 12),
        ["Conv2d"] = new(g => new Conv2d(2, 4, 3, new Conv2dOptions(Padding: 1), g), [2, 2, 5, 5], [2, 4, 5, 5], 76),
        ["Conv2d_StrideDilationGroups"] = new(g => new Conv2d(4, 4, 3, new Conv2dOptions(Stride: 2, Dilation: 2, Groups: 2, Bias: false), g),
            [1, 4, 9, 9], [1, 4, 3, 3], 72),
        ["MaxPool2d"] = new(_ => new MaxPool2d(2), [2, 3, 6, 6], [2, 3, 3, 3], 0),
        ["MaxPool2d_Stride1"] = new(_ => new MaxPool2d(3, new MaxPool2dOptions(Stride: 1, Padding: 1)), [1, 2, 4, 4], [1, 2, 4, 4], 0),
        ["AvgPool2d"] = new(_ => new AvgPool2d(3, new AvgPool2dOptions(Stride: 2, Padding: 1)), [1, 2, 6, 6], [1, 2, 3, 3], 0),
        ["AdaptiveAvgPool2d"] = new(_ => new AdaptiveAvgPool2d(2, 3), [1, 2, 5, 7], [1, 2, 2, 3], 0),
        ["Flatten"] = new(_ => new Flatten(), [2, 3, 2, 2], [2, 12], 0),
        ["ReLU"] = new(_ => new ReLU(), [3, 4], [3, 4], 0),
        ["LeakyReLU"] = new(_ => new LeakyReLU(0.2), [3, 4], [3, 4], 0),
        ["GELU"] = new(_ => new GELU(), [3, 4], [3, 4], 0),
        ["Sigmoid"] = new(_ => new Sigmoid(), [3, 4], [3, 4], 0),
        ["Tanh"] = new(_ => new Tanh(), [3, 4], [3, 4], 0),
        ["Exp"] = new(_ => new Exp(), [3, 4], [3, 4], 0),
        ["Softmax"] = new(_ => new Softmax(1), [3, 4], [3, 4], 0),
        ["BatchNorm1d"] = new(_ => new BatchNorm1d(3), [5, 3], [5, 3], 6),
        ["BatchNorm1d_3d"] = new(_ => new BatchNorm1d(3), [4, 3, 2], [4, 3, 2], 6),
        ["BatchNorm2d"] = new(_ => new BatchNorm2d(3), [4, 3, 3, 3], [4, 3, 3, 3], 6),
        ["LayerNorm"] = new(_ => new LayerNorm(4), [3, 4], [3, 4], 8),
        ["LayerNorm_2d"] = new(_ => new LayerNorm([2, 3]), [2, 2, 3], [2, 2, 3], 12),
        ["Dropout"] = new(g => new Dropout(0.3, g), [3, 4], [3, 4], 0, GradCheckTraining: false),
        ["Embedding"] = new(g => new Embedding(5, 3, g), [2, 4], [2, 4, 3], 15, IntInput: true),
        ["Add"] = new(_ => new Add(), [2, 3, 4], [2, 3, 4], 0, More: [[2, 3, 4], [1, 3, 1]]),
        ["Mul"] = new(_ => new Mul(), [2, 3], [2, 3], 0, More: [[2, 3]]),
        ["Concat"] = new(_ => new Concat(1), [2, 3, 2], [2, 7, 2], 0, More: [[2, 4, 2]]),
        ["Concat_LastDim"] = new(_ => new Concat(-1), [2, 3], [2, 8], 0, More: [[2, 5]]),
        ["Reshape"] = new(_ => new Reshape(2, -1), [3, 2, 2, 3], [3, 2, 6], 0),
        ["Permute"] = new(_ => new Permute(0, 2, 3, 1), [2, 3, 4, 5], [2, 4, 5, 3], 0),
        ["Mean"] = new(_ => new Mean([2, 3]), [2, 3, 4, 5], [2, 3], 0),
        ["Mean_KeepDim"] = new(_ => new Mean([-1], keepDim: true), [2, 3, 4], [2, 3, 1], 0),
        ["LSTM"] = new(g => new LSTM(3, 4, rng: g), [2, 5, 3], [2, 5, 4], 144),
        ["LSTM_TwoLayersBidirectionalLengths"] = new(g => new LSTM(3, 4, new RecurrentOptions(NumLayers: 2, Bidirectional: true), g),
            [3, 5, 3], [3, 5, 8], 736, Fixed: () => Lengths(5, 2, 4)),
        ["GRU"] = new(g => new GRU(3, 4, rng: g), [2, 5, 3], [2, 5, 4], 108),
        ["GRU_BidirectionalMaskNoBias"] = new(g => new GRU(3, 4, new RecurrentOptions(Bias: false, Bidirectional: true), g),
            [2, 4, 3], [2, 4, 8], 168, Fixed: () => Mask(2, 4, 4, 2)),
        ["MultiheadAttention"] = new(g => new MultiheadAttention(8, 2, rng: g), [2, 5, 8], [2, 5, 8], 288),
        ["MultiheadAttention_MaskCausal"] = new(g => new MultiheadAttention(8, 2, new MultiheadAttentionOptions(Causal: true), g),
            [2, 5, 8], [2, 5, 8], 288, Fixed: () => Mask(2, 5, 5, 3)),
        ["TransformerEncoderLayer"] = new(g => new TransformerEncoderLayer(8, 2, SmallEncoder(), g), [2, 5, 8], [2, 5, 8], 600),
        ["TransformerEncoderLayer_PreNormGeluMask"] = new(g => new TransformerEncoderLayer(8, 2, SmallEncoder("gelu", normFirst: true), g),
            [2, 5, 8], [2, 5, 8], 600, Fixed: () => Mask(2, 5, 4, 2)),
        ["TransformerEncoder"] = new(g => new TransformerEncoder(2, 8, 2, SmallEncoder(normFirst: true), finalNorm: true, g),
            [2, 5, 8], [2, 5, 8], 1216, Fixed: () => Mask(2, 5, 5, 3)),
        ["LearnedPositionalEmbedding"] = new(g => new LearnedPositionalEmbedding(10, 4, g), [2, 5, 4], [2, 5, 4], 40),
        ["SinusoidalPositionalEmbedding"] = new(_ => new SinusoidalPositionalEmbedding(4), [2, 5, 4], [2, 5, 4], 0),
        ["MaskedMeanPool"] = new(_ => new MaskedMeanPool(), [2, 5, 3], [2, 3], 0, Fixed: () => Mask(2, 5, 5, 2)),
        ["EmbeddingBag_Bigrams"] = new(g => new EmbeddingBag(5, 3, new EmbeddingBagOptions(NgramBuckets: 4), g), [2, 4], [2, 3], 27, IntInput: true),
        ["EmbeddingBag_SumMask"] = new(g => new EmbeddingBag(5, 3, new EmbeddingBagOptions(Mode: "sum"), g), [2, 4], [2, 3], 15,
            IntInput: true, Fixed: () => Mask(2, 4, 3, 1)),
        ["QuantizedLinear"] = new(g => QuantizedLayerTests.RandomLinear(g, 4, 3, bias: true), [2, 4], [2, 3], 0, InferenceOnly: true),
        ["QuantizedConv2d"] = new(g => QuantizedLayerTests.RandomConv(g, 2, 4, 3, new Conv2dOptions(Padding: 1)), [2, 2, 5, 5], [2, 4, 5, 5], 0, InferenceOnly: true),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Fact]
    public void EveryRegisteredLayerTypeHasACase()
    {
        var covered = Cases.Values.Select(c => c.Make(new Generator(1)).TypeName).ToHashSet();
        Assert.Equal([], LayerRegistry.Types.Where(t => !covered.Contains(t)).ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OutputShapeAndParameterCount(string name)
    {
        var c = Cases[name];
        var layer = c.Make(new Generator(1));
        var y = layer.ForwardMany(MakeInputs(c, DType.Float32, new Generator(2)))[0];
        Assert.Equal(c.Output, y.Shape.ToArray());
        Assert.Equal(c.Params, layer.ParameterCount);
        Assert.Equal(DType.Float32, y.DType);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SaveLoadRoundTrip(string name)
    {
        var c = Cases[name];
        // One-input layers travel as a Sequential (format 1), merge ops as a one-node graph (format 2).
        var inputSpec = new InputSpec("x", [-1, .. c.Input[1..]], c.IntInput ? DType.Int32 : DType.Float32);
        var xs = MakeInputs(c, DType.Float32, new Generator(4));
        Module model = c.More is null && c.Fixed is null ? new Sequential(c.Make(new Generator(3))) : OneNodeGraph(xs, c.Make(new Generator(3)));
        model.ForwardMany(xs); // a training step moves batch-norm running statistics away from their defaults
        model.Eval();
        var dir = Path.Combine(Path.GetTempPath(), "lepton-nn-tests", Guid.NewGuid().ToString("N"));
        try
        {
            ModelFile.Save(dir, model, new ModelSpec { Input = inputSpec });
            var loaded = ModelFile.Load(dir);
            Assert.False(loaded.Model.IsTraining);
            foreach (var (k, v) in model.StateDict())
                Assert.Equal(v.ToDoubleArray(), loaded.Model.StateDict()[k].ToDoubleArray());
            using var _ = new NoGrad();
            Assert.Equal(model.ForwardMany(xs)[0].ToArray(), loaded.Model.ForwardMany(xs)[0].ToArray());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientCheckFloat64(string name)
    {
        var c = Cases[name];
        if (c.InferenceOnly) return;
        var layer = c.Make(new Generator(5)).To(DType.Float64);
        layer.Train(c.GradCheckTraining);
        var xs = MakeInputs(c, DType.Float64, new Generator(6));
        var upstream = Tensor.Randn(new Shape(c.Output), new Generator(7), dtype: DType.Float64);
        var leaves = layer.NamedParameters().Select(p => (p.Name, p.Parameter.Value)).ToList();
        int differentiable = 1 + (c.More?.Length ?? 0);
        if (!c.IntInput)
            for (int i = 0; i < differentiable; i++) leaves.Add(($"input{i}", xs[i].RequireGrad()));
        if (leaves.Count == 0) return;
        GradCheck.Check(() => layer.ForwardMany(xs)[0].Mul(upstream).Sum(), leaves);
    }

    private static List<Tensor> MakeInputs(Case c, DType dtype, Generator g)
    {
        var shape = new Shape(c.Input);
        List<Tensor> xs = c.IntInput
            ? [Tensor.FromArray(Enumerable.Range(0, shape.Size).Select(_ => g.NextInt(5)).ToArray(), c.Input)]
            : [.. new[] { c.Input }.Concat(c.More ?? []).Select(s => Tensor.Randn(new Shape(s), g, 0.3, 1.2, dtype))];
        return [.. xs, .. c.Fixed?.Invoke() ?? []];
    }

    private static GraphModel OneNodeGraph(IReadOnlyList<Tensor> xs, Module layer)
    {
        var inputs = xs.Select((x, i) => new InputSpec($"x{i}", [-1, .. x.Shape.ToArray()[1..]], x.DType)).ToList();
        var node = new GraphNode("layer", layer.TypeName, ((ILayerConfig)layer).GetConfig(), inputs.Select(i => i.Name).ToList());
        return GraphBuilder.Build(new GraphSpec(inputs, [node], [new GraphOutput("y", "layer")], new Dictionary<string, GraphBlock>()));
    }
}
