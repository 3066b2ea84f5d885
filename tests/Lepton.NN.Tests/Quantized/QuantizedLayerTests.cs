using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Layers;
using Lepton.NN.Layers.Quantized;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>The int8 layers: close to the float layer they stand for, fusions equal to running layer by layer, bad state refused.</summary>
public class QuantizedLayerTests
{
    /// <summary>A QuantizedLinear with random codes and scales drawn from <paramref name="g"/>.</summary>
    public static QuantizedLinear RandomLinear(Generator g, int inFeatures, int outFeatures, bool bias)
    {
        var codes = Enumerable.Range(0, inFeatures * outFeatures).Select(_ => (sbyte)(g.NextInt(255) - 127)).ToArray();
        var scales = Enumerable.Range(0, outFeatures).Select(_ => 0.002f + 0.001f * g.NextInt(10)).ToArray();
        float[]? b = bias ? Enumerable.Range(0, outFeatures).Select(i => 0.1f * (i - 1)).ToArray() : null;
        return new QuantizedLinear(inFeatures, outFeatures, new LinearOptions(bias)).Set(codes, scales, b, 0.03f, 60);
    }

    /// <summary>A QuantizedConv2d with random codes and scales drawn from <paramref name="g"/>.</summary>
    public static QuantizedConv2d RandomConv(Generator g, int inChannels, int outChannels, int kernel, Conv2dOptions options)
    {
        var codes = Enumerable.Range(0, outChannels * inChannels * kernel * kernel).Select(_ => (sbyte)(g.NextInt(255) - 127)).ToArray();
        var scales = Enumerable.Range(0, outChannels).Select(_ => 0.002f + 0.001f * g.NextInt(10)).ToArray();
        float[]? b = options.Bias ? Enumerable.Range(0, outChannels).Select(i => 0.05f * i).ToArray() : null;
        return new QuantizedConv2d(inChannels, outChannels, kernel, options).Set(codes, scales, b, 0.03f, 60);
    }

    // Per-channel symmetric codes of a float weight, as the quantizer makes them (kept here so these tests stand alone).
    private static (sbyte[] Codes, float[] Scales) PerChannel(float[] w, int channels)
    {
        int row = w.Length / channels;
        var codes = new sbyte[w.Length];
        var scales = new float[channels];
        for (int o = 0; o < channels; o++)
        {
            float max = 0;
            for (int k = 0; k < row; k++) max = MathF.Max(max, MathF.Abs(w[o * row + k]));
            scales[o] = max / 127f;
            for (int k = 0; k < row; k++) codes[o * row + k] = (sbyte)Math.Clamp((int)MathF.Round(w[o * row + k] / scales[o]), -127, 127);
        }
        return (codes, scales);
    }

    [Fact]
    public void QuantizedConv2d_FromFloatWeights_CloseToFloatConv()
    {
        var conv = new Conv2d(3, 8, 3, new Conv2dOptions(Padding: 1), new Generator(1));
        var x = Tensor.Rand(new Shape(2, 3, 9, 9), new Generator(2), 0, 1);
        var (codes, scales) = PerChannel(conv.Weight.Value.ToArray(), 8);
        var q = new QuantizedConv2d(3, 8, 3, new Conv2dOptions(Padding: 1)).Set(codes, scales, conv.Bias!.Value.ToArray(), 1f / 127, 0);
        using var _ = new NoGrad();
        var expected = conv.Forward(x).ToArray();
        var actual = q.Forward(x).ToArray();
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        double range = expected.Max(Math.Abs);
        Assert.True(worst < 0.02 * range, $"largest error {worst} against outputs up to {range}");
        Assert.True(worst > 0, "int8 rounding should move at least one output");
    }

    [Fact]
    public void QuantizedLinear_FromFloatWeights_CloseToFloatLinear()
    {
        var linear = new Linear(50, 7, rng: new Generator(3));
        var x = Tensor.Randn(new Shape(5, 50), new Generator(4));
        var (codes, scales) = PerChannel(linear.Weight.Value.ToArray(), 7);
        float absMax = x.ToArray().Max(Math.Abs);
        var q = new QuantizedLinear(50, 7).Set(codes, scales, linear.Bias!.Value.ToArray(), 2 * absMax / 127, 64);
        using var _ = new NoGrad();
        var expected = linear.Forward(x).ToArray();
        var actual = q.Forward(x).ToArray();
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 0.05));
    }

    [Fact]
    public void Sequential_QuantizedConvReluPool_FusedEqualsLayerByLayer()
    {
        var conv = RandomConv(new Generator(5), 2, 6, 3, new Conv2dOptions(Padding: 1));
        var model = new Sequential(conv, new ReLU(), new MaxPool2d(2), new Flatten(), RandomLinear(new Generator(6), 6 * 4 * 4, 5, bias: true), new ReLU());
        var x = Tensor.Randn(new Shape(3, 2, 8, 8), new Generator(7));
        using var _ = new NoGrad();
        var fused = model.Forward(x).ToArray();
        var stepwise = x;
        for (int i = 0; i < model.Count; i++) stepwise = model[i].Forward(stepwise);
        Assert.Equal(stepwise.ToArray(), fused);
        Assert.Contains(fused, v => v > 0);
    }

    [Fact]
    public void QuantizedLinear_SavedAndLoaded_StoresInt8CodesAndGivesSameOutputs()
    {
        var model = new Sequential(RandomLinear(new Generator(8), 6, 4, bias: false));
        var x = Tensor.Randn(new Shape(2, 6), new Generator(9));
        var dir = Path.Combine(Path.GetTempPath(), "lepton-quantized-" + Guid.NewGuid().ToString("N"));
        try
        {
            ModelFile.Save(dir, model, new ModelSpec { Input = new InputSpec("x", [-1, 6]) });
            var weights = SafetensorsReader.Read(Path.Combine(dir, ModelFile.WeightsFileName)).ToDictionary();
            Assert.Equal(DType.Int8, weights["0.weight"].DType);
            Assert.Equal(DType.Int32, weights["0.input_zero_point"].DType);
            Assert.Contains("\"QuantizedLinear\"", File.ReadAllText(Path.Combine(dir, ModelFile.SpecFileName)));
            var loaded = ModelFile.Load(dir).Model;
            using var _ = new NoGrad();
            Assert.Equal(model.Forward(x).ToArray(), loaded.Forward(x).ToArray());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void QuantizedLinear_ZeroPointOutOfRange_ThrowsNamingTheFix()
    {
        var layer = new QuantizedLinear(3, 2).Set(new sbyte[6], [1f, 1f], [0f, 0f], 0.1f, 200);
        var ex = Assert.Throws<InvalidDataException>(() => layer.Forward(Tensor.Zeros(1, 3)));
        Assert.Contains("input_zero_point", ex.Message);
        Assert.Contains("quantize the model again", ex.Message);
    }

    [Fact]
    public void QuantizedLayers_WrongInputs_ThrowNamingWhatWasReceived()
    {
        var linear = RandomLinear(new Generator(10), 4, 2, bias: true);
        Assert.Contains("Float32", Assert.Throws<ArgumentException>(() => linear.Forward(Tensor.Zeros(new Shape(1, 4), DType.Float64))).Message);
        Assert.Contains("in_features=5", Assert.Throws<ArgumentException>(() => linear.Forward(Tensor.Zeros(1, 5))).Message);
        Assert.Contains("groups = 1", Assert.Throws<ArgumentException>(() => new QuantizedConv2d(4, 4, 3, new Conv2dOptions(Groups: 2))).Message);
    }
}
