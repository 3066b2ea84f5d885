using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>
/// One sample through an im2col convolution (a strided 3x3 layer at batch 1) or the stride-1 direct kernels (a pointwise
/// layer at batch 1) has its output channels split across the threads: the reference's values, and the same bits as that
/// sample inside a batch and as on one thread.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ConvOneSampleSplitTests
{
    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
    }

    [Theory]
    [InlineData(32, 28, 64, true)]  // a ResNet's first downsampling layer
    [InlineData(24, 15, 40, false)] // odd size, channels not a multiple of 16, no bias
    public void StridedOneSample_MatchesTheReferenceAndTheBatchedBits(int c, int hw, int o, bool withBias)
    {
        var one = new ConvGeometry(N: 1, C: c, H: hw, W: hw, O: o, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1);
        var w = Random(o * c * 9, 2);
        var b = withBias ? Random(o, 3) : null;
        AssertSplitMatches(one, w, b, relu: false, (x, xOffset, g, y) => Conv2dKernels.Forward(x, xOffset, w, 0, b, 0, g, y));
    }

    [Theory]
    [InlineData(96, 16, 44, 1, true)] // a pointwise layer; 44 outputs end in a partial 8-row panel
    [InlineData(4, 48, 64, 3, false)] // a shallow 3x3 layer (too few input channels for Winograd)
    public void DirectOneSample_MatchesTheReferenceAndTheBatchedBits(int c, int hw, int o, int k, bool relu)
    {
        var one = new ConvGeometry(N: 1, C: c, H: hw, W: hw, O: o, KH: k, KW: k, SH: 1, SW: 1, PH: k / 2, PW: k / 2);
        Assert.False(ConvWinograd.AppliesForward(one));
        var w = Random(o * c * k * k, 5);
        var b = Random(o, 6);
        // The direct kernels need AVX-512; without it the same checks hold for the path the CPU takes instead.
        if (ConvStride1.DirectApplies(one))
            AssertSplitMatches(one, w, b, relu, (x, xOffset, g, y) => ConvStride1.Forward(x, xOffset, w, 0, b, 0, g, y, relu: relu));
        else
            AssertSplitMatches(one, w, b, relu, (x, xOffset, g, y) => Conv2dKernels.Forward(x, xOffset, w, 0, b, 0, g, y, relu: relu));
    }

    // The second of three samples through forward alone on two threads (split), inside the batch, and alone on one
    // thread: the same bits, and the reference's values (rectified when relu).
    private static void AssertSplitMatches(ConvGeometry one, float[] w, float[]? b, bool relu, Action<float[], int, ConvGeometry, float[]> forward)
    {
        int inSize = one.C * one.H * one.W, outSize = one.O * one.OH * one.OW;
        var x = Random(3 * inSize, 1);
        int threads = CpuParallel.ThreadCount;
        var alone = new float[outSize];
        var batched = new float[3 * outSize];
        var single = new float[outSize];
        try
        {
            CpuParallel.ThreadCount = 2;
            forward(x, inSize, one, alone);
            forward(x, 0, one with { N = 3 }, batched);
            CpuParallel.ThreadCount = 1;
            forward(x, inSize, one, single);
        }
        finally
        {
            CpuParallel.ThreadCount = threads;
        }
        Assert.Equal(batched.AsSpan(outSize, outSize).ToArray(), alone);
        Assert.Equal(single, alone);

        var expected = new float[outSize];
        Conv2dReference.Forward<float>(x.AsSpan(inSize, inSize), w, b ?? [], one, expected);
        for (int i = 0; i < outSize; i++)
        {
            float e = relu ? Math.Max(expected[i], 0f) : expected[i];
            Assert.True(Math.Abs(e - alone[i]) <= 2e-5f * (1 + Math.Abs(e)), $"at {i}: {e} vs {alone[i]}");
        }
    }
}
