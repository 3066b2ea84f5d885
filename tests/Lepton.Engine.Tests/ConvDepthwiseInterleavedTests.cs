using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>
/// The depthwise forward's 8-channel path (small or strided planes, transposed to pixel-major and back) gives the bits of
/// the per-plane kernel it stands in for, and the reference's values, with and without bias and ReLU, on one and two threads.
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

    [Fact]
    public void WideStrideOneAndOddChannelCounts_StayPerPlane()
    {
        Assert.False(ConvDepthwise.InterleavedApplies(new ConvGeometry(N: 1, C: 16, H: 14, W: 14, O: 16, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 16)));
        Assert.False(ConvDepthwise.InterleavedApplies(new ConvGeometry(N: 1, C: 12, H: 7, W: 7, O: 12, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 12)));
    }
}
