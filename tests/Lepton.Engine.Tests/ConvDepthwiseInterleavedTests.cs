using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>
/// The depthwise 8-channel paths (planes transposed to pixel-major blocks and back): the forward (small or strided planes)
/// and the input gradient give the bits of the per-plane kernels they stand in for; the weight and bias gradients sum in
/// their own order, close to the per-plane kernel's; all give the reference's values and the same bits on one and two threads.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ConvDepthwiseInterleavedTests
{
    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
    }

    [Theory]
    [InlineData(2, 16, 7, 7, 1, true, false)]    // MobileNet's last block: rows of 7, all tail
    [InlineData(3, 8, 14, 14, 2, false, true)]   // stride 2 to 7x7
    [InlineData(2, 24, 28, 28, 2, true, true)]   // stride 2 to 14x14: columns 0-7 in the body's order, 8-13 in the tail's
    [InlineData(1, 8, 13, 11, 2, true, false)]   // odd sizes: 7x6 out, planes not a multiple of 8 (flush last transposes)
    [InlineData(4, 8, 5, 3, 1, true, true)]      // 15 input and output pixels
    public void ChannelBlocks_GiveThePerPlaneBitsAndTheReference(int n, int c, int h, int w, int stride, bool withBias, bool relu)
    {
        var g = new ConvGeometry(N: n, C: c, H: h, W: w, O: c, KH: 3, KW: 3, SH: stride, SW: stride, PH: 1, PW: 1, Groups: c);
        Assert.True(ConvDepthwise.InterleavedApplies(g), "the case must take the channel-block path");
        var x = Random(n * c * h * w + 3, 1);
        var wt = Random(c * 9 + 2, 2);
        var b = withBias ? Random(c + 1, 3) : null;
        int size = n * c * g.OH * g.OW, saved = CpuParallel.ThreadCount;
        var blocks = new float[size];
        var planes = new float[size];
        var oneThread = new float[size];
        try
        {
            CpuParallel.ThreadCount = 2;
            ConvDepthwise.Forward(x, 3, wt, 2, b, 1, g, blocks, relu);
            CpuParallel.ThreadCount = 1;
            ConvDepthwise.Forward(x, 3, wt, 2, b, 1, g, oneThread, relu);
            ConvDepthwise.InterleavedDisabled = true;
            ConvDepthwise.Forward(x, 3, wt, 2, b, 1, g, planes, relu);
        }
        finally
        {
            ConvDepthwise.InterleavedDisabled = false;
            CpuParallel.ThreadCount = saved;
        }
        Assert.Equal(planes, blocks);
        Assert.Equal(oneThread, blocks);

        var expected = new float[size];
        Conv2dReference.Forward<float>(x.AsSpan(3, n * c * h * w), wt.AsSpan(2, c * 9), b is null ? [] : b.AsSpan(1, c), g, expected);
        for (int i = 0; i < size; i++)
        {
            float e = relu ? Math.Max(expected[i], 0f) : expected[i];
            Assert.True(Math.Abs(e - blocks[i]) <= 1e-5f * (1 + Math.Abs(e)), $"at {i}: {e} vs {blocks[i]}");
        }
    }

    [Theory]
    [InlineData(3, 16, 14, 14, 1)]  // stride 1: the forward of gy with the flipped kernel
    [InlineData(2, 8, 7, 7, 1)]
    [InlineData(2, 24, 28, 28, 2)]  // stride 2: the scatter
    [InlineData(4, 8, 13, 11, 2)]   // odd sizes
    public void Gradients_GiveThePerPlaneInputGradientBitsAndTheReference(int n, int c, int h, int w, int stride)
    {
        var g = new ConvGeometry(N: n, C: c, H: h, W: w, O: c, KH: 3, KW: 3, SH: stride, SW: stride, PH: 1, PW: 1, Groups: c);
        Assert.True(ConvDepthwise.InterleavedBackwardApplies(g));
        var x = Random(n * c * h * w + 3, 4);
        var wt = Random(c * 9 + 2, 5);
        var gy = Random(n * c * g.OH * g.OW, 6);
        (float[] Gx, float[] Gw, float[] Gb) Run(int threads, bool perPlane)
        {
            var (gx, gw, gb) = (new float[n * c * h * w], new float[c * 9], new float[c]);
            int saved = CpuParallel.ThreadCount;
            try
            {
                CpuParallel.ThreadCount = threads;
                ConvDepthwise.InterleavedDisabled = perPlane;
                ConvDepthwise.Backward(x, 3, wt, 2, gy, g, gx, gw, gb);
            }
            finally
            {
                ConvDepthwise.InterleavedDisabled = false;
                CpuParallel.ThreadCount = saved;
            }
            return (gx, gw, gb);
        }
        var blocks = Run(2, perPlane: false);
        var oneThread = Run(1, perPlane: false);
        var planes = Run(1, perPlane: true);
        Assert.Equal(planes.Gx, blocks.Gx);
        Assert.Equal(oneThread.Gx, blocks.Gx);
        Assert.Equal(oneThread.Gw, blocks.Gw);
        Assert.Equal(oneThread.Gb, blocks.Gb);

        var gxRef = new float[blocks.Gx.Length];
        var gwRef = new float[c * 9];
        var gbRef = new float[c];
        Conv2dReference.BackwardInput<float>(gy, wt.AsSpan(2, c * 9), g, gxRef);
        Conv2dReference.BackwardWeight<float>(x.AsSpan(3, n * c * h * w), gy, g, gwRef, gbRef);
        AssertClose(gxRef, blocks.Gx);
        AssertClose(gwRef, blocks.Gw);
        AssertClose(gbRef, blocks.Gb);
        AssertClose(planes.Gw, blocks.Gw);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5f * (1 + Math.Abs(expected[i])), $"at {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void WideStrideOneAndOddChannelCounts_StayPerPlane()
    {
        Assert.False(ConvDepthwise.InterleavedApplies(new ConvGeometry(N: 1, C: 16, H: 14, W: 14, O: 16, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 16)));
        Assert.False(ConvDepthwise.InterleavedApplies(new ConvGeometry(N: 1, C: 12, H: 7, W: 7, O: 12, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 12)));
    }
}
