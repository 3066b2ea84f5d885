using Lepton.Compression.Quantization;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Layers.Quantized;

using Lepton.Compression.Tests.Support;

namespace Lepton.Compression.Tests.Quantization;

/// <summary>
/// Layer precision chosen by timing (<see cref="LayerPrecision.Faster"/>), with a scripted race in place of the clock: a layer
/// becomes int8 only when the whole model is then no slower at the forward batch size and at batch 1, later layers are raced
/// against the choices already made, and a float layer left in the model is the original's weights.
/// </summary>
public sealed class PrecisionSelectionTests
{
    // x: (N,3,8,8) -> conv (8,8,8) -> ReLU -> flatten 512 -> linear 16 -> ReLU -> linear 4
    private static Sequential Model() => new(
        new Conv2d(3, 8, 3, new Conv2dOptions(Padding: 1), new Generator(1)), new ReLU(), new Flatten(),
        new Linear(512, 16, rng: new Generator(2)), new ReLU(), new Linear(16, 4, rng: new Generator(3)));

    private static Tensor[] Calibration() => [Tensor.Randn(new Shape(16, 3, 8, 8), new Generator(4))];

    private static Module Layer(QuantizedModel result, int i) => ((Sequential)result.Model)[i];

    private static QuantizeOptions Faster => new(CalibrationMethod.MinMax, Samples: 16, BatchSize: 8, Layers: LayerPrecision.Faster);

    // The model with an int8 convolution takes twice as long; an int8 Linear halves it.
    private static (double, double) ConvIsSlowerInInt8(Module baseline, Module candidate, int batchSize)
    {
        var added = ((Sequential)candidate).Layers.Where(l => !((Sequential)baseline).Layers.Contains(l)).Single();
        return added is QuantizedConv2d ? (1.0, 2.0) : (2.0, 1.0);
    }

    [Fact]
    public void Quantize_Faster_KeepsALayerFloatWhereInt8IsSlower()
    {
        var source = Model();
        var races = new List<int>();
        var result = ModelQuantizer.Quantize(source, Calibration(), Faster, race: (a, b, n) =>
        {
            races.Add(n);
            return ConvIsSlowerInInt8(a, b, n);
        });

        Assert.Equal([0, 3, 5], result.Layers.Select(l => l.Index));
        Assert.Equal([false, true, true], result.Layers.Select(l => l.IsInt8));
        Assert.Equal([8, 1, 8, 1, 8, 1], races); // each layer raced at the batch size and at batch 1
        var conv = Assert.IsType<Conv2d>(Layer(result, 0));
        Assert.NotSame(source[0], conv);
        Assert.Equal(((Conv2d)source[0]).Weight.Value.ToArray(), conv.Weight.Value.ToArray());
        Assert.IsType<QuantizedLinear>(Layer(result, 3));
        Assert.IsType<QuantizedLinear>(Layer(result, 5));
        Assert.Equal(new LayerTiming(8, 1.0, 2.0, 1.0, 2.0), result.Layers[0].Timing);

        // The float convolution gives the original's output; the int8 Linear layers stay close to it.
        TestModels.AssertQuantizedCloseToFloat(source, result.Model, Calibration()[0]);
    }

    [Fact]
    public void Quantize_Faster_RacesLaterLayersAgainstTheChoicesMadeBefore()
    {
        var baselines = new List<Module[]>();
        var result = ModelQuantizer.Quantize(Model(), Calibration(), Faster, race: (a, b, n) =>
        {
            if (n == 8) baselines.Add([.. ((Sequential)a).Layers]);
            return ConvIsSlowerInInt8(a, b, n);
        });
        // Racing layer 5, the baseline already runs layer 3 in int8 (accepted) and layer 0 in float (refused).
        Assert.IsType<Conv2d>(baselines[2][0]);
        Assert.IsType<QuantizedLinear>(baselines[2][3]);
        Assert.IsType<Linear>(baselines[2][5]);
        Assert.Same(Layer(result, 3), baselines[2][3]);
    }

    [Fact]
    public void Quantize_All_QuantizesEveryLayerWithoutRacing()
    {
        var result = ModelQuantizer.Quantize(Model(), Calibration(), Faster with { Layers = LayerPrecision.All },
            race: (_, _, _) => throw new InvalidOperationException("no race for --layers all"));
        Assert.All(result.Layers, l => Assert.True(l.IsInt8 && l.Timing is null));
        Assert.IsType<QuantizedConv2d>(Layer(result, 0));
    }

    [Theory]
    [InlineData(1.00, 1.03, 1.00, 1.03, true)]  // within 3% at both sizes: no slower (noise), and smaller
    [InlineData(1.00, 0.50, 1.00, 1.10, false)] // faster in batches but 10% slower for one example
    [InlineData(1.00, 1.10, 1.00, 0.50, false)] // faster for one example but slower in batches
    [InlineData(2.00, 1.00, 0.02, 0.01, true)]
    public void LayerTiming_Int8IsNoSlowerOnlyAtBothBatchSizes(double floatMs, double int8Ms, double floatAtOne, double int8AtOne, bool expected) =>
        Assert.Equal(expected, new LayerTiming(256, floatMs, int8Ms, floatAtOne, int8AtOne).Int8IsNoSlower);

    [Theory]
    [InlineData("all", LayerPrecision.All)]
    [InlineData("faster", LayerPrecision.Faster)]
    [InlineData("FASTEST", LayerPrecision.Faster)]
    public void Parse_KnownNames(string name, LayerPrecision expected) => Assert.Equal(expected, LayerPrecisions.Parse(name));

    [Fact]
    public void Parse_UnknownName_ListsTheChoices()
    {
        var ex = Assert.Throws<ArgumentException>(() => LayerPrecisions.Parse("some"));
        Assert.Contains("'some'", ex.Message);
        Assert.Contains("all, faster", ex.Message);
    }
}
