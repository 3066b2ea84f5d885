using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>
/// A served pointwise convolution over a small plane runs as one GEMM per sample against its packed weight: the
/// reference's values (bias, ReLU), the same bits for a sample alone, inside a batch and on one or two threads, and close
/// to the direct kernels it replaces; other shapes and trainable weights keep the direct kernels.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ConvPointwiseGemmTests
{
    [Theory]
    [InlineData(5, 24, 7, 7, 40, true, false)] // MobileNet's 7x7 blocks, scaled down
    [InlineData(3, 64, 3, 5, 32, false, true)] // 15 pixels: the last 8 flush with the plane's end
    [InlineData(2, 16, 8, 8, 16, true, true)]  // 64 pixels, the largest plane taken
    [InlineData(2, 128, 7, 7, 256, true, true)] // 1.6M multiply-adds: one sample's GEMM split across the threads
    public void ServedPointwise_MatchesTheReferenceAndKeepsItsBitsPerSample(int n, int c, int h, int w, int o, bool withBias, bool relu)
    {
        var g = new ConvGeometry(N: n, C: c, H: h, W: w, O: o, KH: 1, KW: 1);
        Assert.True(ConvPointwiseGemm.Applies(g));
        var rng = new Generator(7);
        var x = Tensor.Randn(new Shape(n, c, h, w), rng);
        var wt = Tensor.Randn(new Shape(o, c, 1, 1), rng).Mul(0.2);
        var b = withBias ? Tensor.Randn(new Shape(o), rng) : null;
        wt.Storage.MakeReadOnly();
        b?.Storage.MakeReadOnly();
        Tensor Run(Tensor input) => relu ? input.Conv2dRelu(wt, b) : input.Conv2d(wt, b);
        int saved = CpuParallel.ThreadCount;
        using var _ = new NoGrad();
        float[] batched, oneThread, last, direct;
        try
        {
            CpuParallel.ThreadCount = 2;
            batched = Run(x).ToArray();
            last = Run(x.Slice(0, n - 1, n).Contiguous()).ToArray();
            CpuParallel.ThreadCount = 1;
            oneThread = Run(x).ToArray();
            ConvPointwiseGemm.Disabled = true;
            direct = Run(x).ToArray();
        }
        finally
        {
            ConvPointwiseGemm.Disabled = false;
            CpuParallel.ThreadCount = saved;
        }
        Assert.Equal(oneThread, batched);
        int per = o * h * w;
        Assert.Equal(batched.AsSpan((n - 1) * per, per).ToArray(), last);

        var expected = new float[n * per];
        Conv2dReference.Forward<float>(x.ToArray(), wt.ToArray(), b?.ToArray() ?? [], g, expected);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = relu ? Math.Max(expected[i], 0f) : expected[i];
            Assert.True(Math.Abs(e - batched[i]) <= 2e-5f * (1 + Math.Abs(e)), $"at {i}: {e} vs {batched[i]}");
            Assert.True(Math.Abs(direct[i] - batched[i]) <= 2e-5f * (1 + Math.Abs(e)), $"at {i}: direct {direct[i]} vs {batched[i]}");
        }
    }

    [Fact]
    public void LargePlanesPaddingStridesAndOddChannelCounts_KeepTheDirectKernels()
    {
        Assert.False(ConvPointwiseGemm.Applies(new ConvGeometry(N: 1, C: 16, H: 14, W: 14, O: 16, KH: 1, KW: 1)));
        Assert.False(ConvPointwiseGemm.Applies(new ConvGeometry(N: 1, C: 16, H: 7, W: 7, O: 12, KH: 1, KW: 1)));
        Assert.False(ConvPointwiseGemm.Applies(new ConvGeometry(N: 1, C: 16, H: 7, W: 7, O: 16, KH: 1, KW: 1, SH: 2, SW: 2)));
        Assert.False(ConvPointwiseGemm.Applies(new ConvGeometry(N: 1, C: 16, H: 7, W: 7, O: 16, KH: 3, KW: 3, PH: 1, PW: 1)));
    }
}
