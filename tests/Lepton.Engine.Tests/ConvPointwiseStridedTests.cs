using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>
/// The strided 1x1 convolution (gather every stride-th pixel, then the stride-1 kernel) against <see cref="Conv2dReference"/>:
/// odd and even sizes, unequal strides, an input offset, no bias; and the dispatch taking it only where it applies.
/// </summary>
public class ConvPointwiseStridedTests
{
    private static bool Direct => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
    }

    [Theory]
    [InlineData(3, 8, 14, 14, 16, 2, 2, true)]  // a ResNet shortcut's shape, smaller
    [InlineData(2, 5, 15, 9, 7, 2, 3, true)]    // odd sizes, unequal strides
    [InlineData(1, 64, 28, 28, 32, 2, 2, false)] // many channels, no bias
    public void Forward_MatchesReference(int n, int c, int h, int w, int o, int sh, int sw, bool withBias)
    {
        var g = new ConvGeometry(N: n, C: c, H: h, W: w, O: o, KH: 1, KW: 1, SH: sh, SW: sw);
        Assert.Equal(Direct, ConvPointwiseStrided.Applies(g));
        if (!Direct) return;
        const int offset = 5;
        var x = Random(offset + n * c * h * w, 1);
        var k = Random(o * c, 2);
        var b = withBias ? Random(o, 3) : null;
        var y = new float[n * o * g.OH * g.OW];
        Array.Fill(y, float.NaN);
        ConvPointwiseStrided.Forward(x, offset, k, 0, b, 0, g, y);
        var expected = new float[y.Length];
        Conv2dReference.Forward<float>(x.AsSpan(offset), k, b ?? [], g, expected);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(expected[i] - y[i]) <= 2e-5f * (1 + Math.Abs(expected[i])), $"at {i}: {expected[i]} vs {y[i]}");
    }

    [Theory]
    [InlineData(1, 1, 0, 1)] // stride 1: the stride-1 kernels themselves
    [InlineData(3, 2, 1, 1)] // 3x3
    [InlineData(1, 2, 1, 1)] // padded
    [InlineData(1, 2, 0, 2)] // grouped
    public void Applies_OnlyToUnpaddedStrided1x1(int k, int stride, int pad, int groups)
    {
        var g = new ConvGeometry(N: 2, C: 4, H: 10, W: 10, O: 4, KH: k, KW: k, SH: stride, SW: stride, PH: pad, PW: pad, Groups: groups);
        Assert.Equal(Direct && k == 1 && stride > 1 && pad == 0 && groups == 1, ConvPointwiseStrided.Applies(g));
    }

    [Fact]
    public void TensorConv2d_Strided1x1_MatchesTheReference()
    {
        var x = Tensor.Randn(new Shape(2, 6, 9, 9), new Generator(4));
        var w = Tensor.Randn(new Shape(5, 6, 1, 1), new Generator(5));
        var b = Tensor.Randn(new Shape(5), new Generator(6));
        var y = x.Conv2d(w, b, 2, 2).ToArray();
        var g = new ConvGeometry(N: 2, C: 6, H: 9, W: 9, O: 5, KH: 1, KW: 1, SH: 2, SW: 2);
        var expected = new float[y.Length];
        Conv2dReference.Forward<float>(x.ToArray(), w.ToArray(), b.ToArray(), g, expected);
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(expected[i] - y[i]) <= 2e-5f * (1 + Math.Abs(expected[i])), $"at {i}");
    }
}
