using Lepton.Compression.Quantization;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Layers;
using Lepton.NN.Layers.Quantized;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

using Lepton.Compression.Tests.Support;

namespace Lepton.Compression.Tests.Quantization;

/// <summary>
/// int8 quantization of a graph model (the resnet preset: a stem, one Basic block, two instances of the Down block, a Linear
/// head): each Conv2d / Linear node is rewritten to its int8 twin in the spec, each instance calibrated on its own input,
/// a block's node chosen once for all its instances, and the result saves and loads as an ordinary graph model.
/// </summary>
public sealed class GraphQuantizerTests
{
    private static readonly string[] Paths =
        ["stem", "layer1.conv1", "layer1.conv2", "layer2.conv1", "layer2.conv2", "layer2.proj", "layer3.conv1", "layer3.conv2", "layer3.proj", "fc"];

    // x: (N,1,12,12) -> resnet -> (N,4)
    private static GraphModel Model() => (GraphModel)ModelPresets.Build("resnet", 1, 12, 12, 4, new Generator(5));

    private static Tensor[] Calibration() => [Tensor.Rand(new Shape(24, 1, 12, 12), new Generator(6))];

    private static QuantizeOptions Options(LayerPrecision layers) => new(CalibrationMethod.MinMax, Samples: 24, BatchSize: 8, Layers: layers);

    private static int Count<T>(Module m) => TestModels.Descendants(m).OfType<T>().Count();

    [Fact]
    public void Quantize_All_RewritesEveryNodeAndStaysCloseToTheFloatModel()
    {
        var source = Model();
        var result = ModelQuantizer.Quantize(source, Calibration(), Options(LayerPrecision.All),
            race: (_, _, _) => throw new InvalidOperationException("no race for --layers all"));

        Assert.Equal(Paths, result.Layers.Select(l => l.Path));
        Assert.Equal(Paths, result.Layers.Select(l => l.Label));
        Assert.All(result.Layers, l => Assert.True(l.IsInt8 && l.Timing is null));
        var graph = Assert.IsType<GraphModel>(result.Model);
        Assert.Equal(9, Count<QuantizedConv2d>(graph));
        Assert.Equal(1, Count<QuantizedLinear>(graph));
        Assert.Equal(0, Count<Conv2d>(graph));
        // Each convolution's batch norm is folded into its int8 weights: the BatchNorm2d nodes are gone, their readers rewired.
        Assert.Equal(["QuantizedConv2d", "ReLU", "QuantizedConv2d", "QuantizedConv2d", "Add", "ReLU"], graph.Spec!.Blocks["Down"].Nodes.Select(n => n.Type));
        Assert.Equal(["x", "conv1", "relu1", "x", "conv2", "proj", "add"], graph.Spec.Blocks["Down"].Nodes.SelectMany(n => n.Inputs));
        Assert.Equal(0, Count<BatchNorm2d>(graph));
        Assert.Equal(["stem"], graph.Spec.Nodes.Single(n => n.Name == "stem_relu").Inputs);
        Assert.Equal(0, Count<QuantizedConv2d>(source)); // the source is left float

        TestModels.AssertQuantizedCloseToFloat(source, graph, Calibration()[0]);
    }

    [Fact]
    public void Quantize_CalibratesEachInstanceOnItsOwnInput()
    {
        var x = Calibration()[0].ToArray();
        var layers = ModelQuantizer.Quantize(Model(), Calibration(), Options(LayerPrecision.All)).Layers.ToDictionary(l => l.Path!);

        // The stem sees the images themselves (min-max of the batch, widened to hold 0).
        Assert.Equal(0f, layers["stem"].Input.Low);
        Assert.Equal(x.Max(), layers["stem"].Input.High);
        // A block's shortcut reads the block input as its first convolution does, in each instance; the instances differ.
        Assert.Equal(layers["layer2.conv1"].Input, layers["layer2.proj"].Input);
        Assert.Equal(layers["layer3.conv1"].Input, layers["layer3.proj"].Input);
        Assert.NotEqual(layers["layer2.conv1"].Input, layers["layer3.conv1"].Input);
        // After a ReLU nothing is negative; the stem's BatchNorm output before its ReLU is not what layer1 sees.
        Assert.All(Paths.Skip(1), p => Assert.Equal(0f, layers[p].Input.Low));
        Assert.All(Paths.Skip(1), p => Assert.True(layers[p].Input.High > 0, p));
    }

    [Fact]
    public void Quantize_Faster_ChoosesABlockNodeOnceForAllItsInstances()
    {
        var races = new List<int>();
        // int8 Linear heads win; int8 convolutions lose, except the 1x1 shortcut.
        var result = ModelQuantizer.Quantize(Model(), Calibration(), Options(LayerPrecision.Faster), race: (a, b, n) =>
        {
            races.Add(n);
            bool linear = Count<QuantizedLinear>(b) > Count<QuantizedLinear>(a);
            bool shortcut = Count<QuantizedConv2d>(b) - Count<QuantizedConv2d>(a) == 2 && ((GraphModel)b).Spec!.Blocks["Down"].Nodes.Single(x => x.Name == "proj").Type == "QuantizedConv2d"
                && ((GraphModel)a).Spec!.Blocks["Down"].Nodes.Single(x => x.Name == "proj").Type == "Conv2d";
            return linear || shortcut ? (2.0, 1.0) : (1.0, 2.0);
        });

        // Sites: stem, Basic.conv1, Basic.conv2, Down.conv1, Down.conv2, Down.proj, fc; each raced at 8 and at 1.
        Assert.Equal(14, races.Count);
        Assert.Equal(["layer2.proj", "layer3.proj", "fc"], result.Layers.Where(l => l.IsInt8).Select(l => l.Path));
        var byPath = result.Layers.ToDictionary(l => l.Path!);
        Assert.Same(byPath["layer2.proj"].Timing, byPath["layer3.proj"].Timing);
        Assert.Equal(new LayerTiming(8, 1.0, 2.0, 1.0, 2.0), byPath["layer2.conv1"].Timing);
        var graph = (GraphModel)result.Model;
        Assert.Equal(2, Count<QuantizedConv2d>(graph));
        Assert.Equal(1, Count<QuantizedLinear>(graph));
        // Only the shortcut's batch norm folded (in both instances of the block); the float convolutions keep theirs.
        Assert.Equal(7, Count<BatchNorm2d>(graph));
        Assert.DoesNotContain(graph.Spec!.Blocks["Down"].Nodes, n => n.Name == "proj_bn");
        Assert.Equal(["bn2", "proj"], graph.Spec.Blocks["Down"].Nodes.Single(n => n.Name == "add").Inputs);
    }

    [Fact]
    public void Quantize_MobileNet_KeepsTheDepthwiseConvolutionsFloat()
    {
        var source = (GraphModel)ModelPresets.Build("mobilenet", 1, 16, 16, 4, new Generator(7));
        var x = Tensor.Rand(new Shape(8, 1, 16, 16), new Generator(8));
        var result = ModelQuantizer.Quantize(source, [x], Options(LayerPrecision.All));

        // The stem, every block's pointwise 1x1 and the head: no depthwise (grouped) node is a candidate.
        Assert.DoesNotContain(result.Layers, l => l.Path!.EndsWith(".dw", StringComparison.Ordinal));
        Assert.Contains(result.Layers, l => l.Path!.EndsWith(".pw", StringComparison.Ordinal));
        var graph = (GraphModel)result.Model;
        int depthwise = Count<Conv2d>(source) - result.Layers.Count(l => l.Type == "Conv2d");
        Assert.Equal(depthwise, Count<Conv2d>(graph));
        Assert.All(graph.Spec!.Blocks.Values.SelectMany(b => b.Nodes).Where(n => n.Name == "dw"), n => Assert.Equal("Conv2d", n.Type));

        TestModels.AssertQuantizedCloseToFloat(source, graph, x);
    }

    [Fact]
    public void QuantizedGraph_SavesAndLoadsAsAnOrdinaryModel()
    {
        var result = ModelQuantizer.Quantize(Model(), Calibration(), Options(LayerPrecision.All));
        string dir = Path.Combine(Path.GetTempPath(), "lepton-graph-quantize-" + Guid.NewGuid().ToString("N"));
        try
        {
            var spec = new ModelSpec { Input = new InputSpec("image", [-1, 1, 12, 12]) };
            ModelFile.Save(dir, result.Model, spec);
            var loaded = ModelFile.Load(dir).Model;
            loaded.Eval();
            using var _ = new NoGrad();
            var x = Calibration()[0];
            Assert.Equal(result.Model.Forward(x).ToArray(), loaded.Forward(x).ToArray());
            Assert.Equal(10, Count<QuantizedConv2d>(loaded) + Count<QuantizedLinear>(loaded));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Quantize_GraphWithoutQuantizableNodes_SaysWhichNodesItHas()
    {
        var spec = new GraphSpec([new InputSpec("x", [-1, 4])],
            [new GraphNode("act", "ReLU", new System.Text.Json.Nodes.JsonObject(), ["x"])], [new GraphOutput("y", "act")], new Dictionary<string, GraphBlock>());
        var ex = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(GraphBuilder.Build(spec), [Tensor.Rand(new Shape(2, 4), new Generator(1))], Options(LayerPrecision.All)));
        Assert.Contains("act (ReLU)", ex.Message);
    }
}
