using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

namespace Lepton.Compression.Tests.Support;

/// <summary>Seeded models and inputs for the compression tests.</summary>
internal static class TestModels
{
    public static ModelSpec ImageSpec(int channels = 1, int size = 28) => new()
    {
        Input = InputSpec.ForImage("image", channels, size, size),
        ClassNames = [.. Enumerable.Range(0, 10).Select(i => $"class{i}")],
    };

    public static Module Preset(string name, int size = 28, ulong seed = 1) => ModelPresets.Build(name, 1, size, size, 10, new Generator(seed));

    public static Tensor Images(int n, int size = 28, ulong seed = 7) => Tensor.Randn(new Shape(n, 1, size, size), new Generator(seed));

    public static float[] Outputs(Module model, Tensor x) => Runtime.Inference.Forward(model, x).ToArray();

    /// <summary>The quantized model's outputs on x within 5% of the float model's largest |output| of the float model's (eval mode, no grad).</summary>
    public static void AssertQuantizedCloseToFloat(Module source, Module quantized, Tensor x)
    {
        using var _ = new NoGrad();
        source.Eval();
        AssertWithinShareOfLargest(source.Forward(x).ToArray(), quantized.Forward(x).ToArray(), 0.05);
    }

    /// <summary>Each output within <paramref name="share"/> of the largest |expected| of the expected one (what int8 rounding may move).</summary>
    public static void AssertWithinShareOfLargest(float[] expected, float[] actual, double share)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= share * scale, $"output {i}: {actual[i]} against {expected[i]}");
    }

    /// <summary>
    /// Makes the odd channels of every BatchNorm output exactly zero (γ = β = 0): channels that carry nothing, which structured
    /// pruning must find (smallest |γ|) and whose removal must leave the outputs unchanged.
    /// </summary>
    public static void SilenceOddNormChannels(Module model)
    {
        using var _ = new NoGrad();
        foreach (var bn in Descendants(model).OfType<BatchNorm>())
        {
            var g = bn.Weight!.Value.Span<float>();
            var b = bn.Bias!.Value.Span<float>();
            for (int c = 1; c < g.Length; c += 2) g[c] = b[c] = 0;
        }
    }

    /// <summary>The odd output filters (and biases) of every convolution set to zero, for models without BatchNorm.</summary>
    public static void SilenceOddConvFilters(Module model)
    {
        using var _ = new NoGrad();
        foreach (var conv in Descendants(model).OfType<Conv2d>())
        {
            var w = conv.Weight.Value.Span<float>();
            int per = w.Length / conv.OutChannels;
            for (int c = 1; c < conv.OutChannels; c += 2)
            {
                w.Slice(c * per, per).Clear();
                if (conv.Bias is { } bias) bias.Value.Span<float>()[c] = 0;
            }
        }
    }

    public static IEnumerable<Module> Descendants(Module m)
    {
        yield return m;
        foreach (var c in m.Children())
            foreach (var d in Descendants(c))
                yield return d;
    }

    public static void AssertClose(float[] expected, float[] actual, double tol = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"output {i}: expected {expected[i]}, got {actual[i]}");
    }
}
