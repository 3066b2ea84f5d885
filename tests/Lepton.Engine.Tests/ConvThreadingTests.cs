using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>Convolutions split over chunks of samples: same bits on any thread count, batched or one sample at a time.</summary>
[Collection(ThreadCountCollection.Name)]
public class ConvThreadingTests
{
    // 16 samples → 8 chunks of 2; 16*32*72*100 = 3.7M multiply-adds, enough to be split across threads.
    private static readonly ConvGeometry Batch16 = new(N: 16, C: 8, H: 10, W: 10, O: 32, KH: 3, KW: 3, PH: 1, PW: 1);

    // One sample of the reference CNN's conv2: a single chunk, the shape of batch-1 inference.
    private static readonly ConvGeometry SingleConv2 = new(N: 1, C: 32, H: 14, W: 14, O: 64, KH: 3, KW: 3, PH: 1, PW: 1);

    // Both shapes' forwards take Winograd F(4x4) by size (AVX-512); tile 2 runs them on F(2x2) as well.
    public static TheoryData<string, int> Geometries => new()
    {
        { nameof(Batch16), 0 }, { nameof(SingleConv2), 0 }, { nameof(Batch16), 2 }, { nameof(SingleConv2), 2 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardAndGradientsDoNotDependOnThreadCount(string name, int tile)
    {
        var g = name == nameof(Batch16) ? Batch16 : SingleConv2;
        ConvWinograd.TileOverride = tile;
        try
        {
            var one = RunWithThreads(1, g);
            var two = RunWithThreads(2, g);
            var three = RunWithThreads(3, g);
            for (int i = 0; i < one.Length; i++)
            {
                Assert.Equal(one[i], two[i]);
                Assert.Equal(one[i], three[i]);
            }
        }
        finally { ConvWinograd.TileOverride = 0; }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void BatchedForwardEqualsEachSampleAloneBitwise(int tile)
    {
        ConvWinograd.TileOverride = tile;
        try { BatchedEqualsSamples(Batch16); }
        finally { ConvWinograd.TileOverride = 0; }
    }

    private static void BatchedEqualsSamples(ConvGeometry g)
    {
        var (x, w, b, _) = Inputs(g);
        var y = new float[g.N * g.O * g.OH * g.OW];
        Conv2dKernels.Forward(x, 0, w, 0, b, 0, g, y);
        var single = g with { N = 1 };
        int xSize = g.C * g.H * g.W, ySize = g.O * g.OH * g.OW;
        for (int n = 0; n < g.N; n++)
        {
            var yn = new float[ySize];
            Conv2dKernels.Forward(x, n * xSize, w, 0, b, 0, single, yn);
            Assert.Equal(yn, y.AsSpan(n * ySize, ySize).ToArray());
        }
    }

    [Fact]
    public void NestedForRunsOnTheSplittingThread()
    {
        int saved = CpuParallel.ThreadCount;
        try
        {
            CpuParallel.ThreadCount = 2;
            Assert.False(CpuParallel.InSplitBody);
            var nestedOnOwnThread = new bool[2];
            var flagInside = new bool[2];
            CpuParallel.For(2, 1L << 20, (p0, p1) =>
            {
                for (int p = p0; p < p1; p++)
                {
                    flagInside[p] = CpuParallel.InSplitBody;
                    int outer = Environment.CurrentManagedThreadId, inner = -1, calls = 0;
                    CpuParallel.For(4, 1L << 20, (q0, q1) => { inner = Environment.CurrentManagedThreadId; calls++; });
                    nestedOnOwnThread[p] = inner == outer && calls == 1;
                }
            });
            Assert.Equal([true, true], flagInside);
            Assert.Equal([true, true], nestedOnOwnThread);
            Assert.False(CpuParallel.InSplitBody);
        }
        finally
        {
            CpuParallel.ThreadCount = saved;
        }
    }

    // One sample cut by tile rows across threads (ConvWinograd's RowParts): conv2 of the reference CNN, an odd output (15x15:
    // the last part's tiles run past the edge, pooling drops the last row) and a wide one (28x28, 7 tile rows over 2 or 3).
    public static TheoryData<int, int, int, int> SingleSamples => new()
    {
        { 32, 64, 14, 4 }, { 32, 64, 14, 2 }, { 24, 40, 15, 4 }, { 24, 40, 15, 2 }, { 16, 32, 28, 0 },
    };

    [Theory]
    [MemberData(nameof(SingleSamples))]
    public void OneSampleCutByTileRowsGivesTheSameBitsAndMatchesTheReference(int c, int o, int size, int tile)
    {
        var g = new ConvGeometry(N: 1, C: c, H: size, W: size, O: o, KH: 3, KW: 3, PH: 1, PW: 1);
        var (x, w, b, _) = Inputs(g);
        int poolSize = g.O * (g.OH / 2) * (g.OW / 2);
        ConvWinograd.TileOverride = tile;
        int saved = CpuParallel.ThreadCount;
        try
        {
            Assert.True(ConvWinograd.AppliesForward(g));
            float[]? firstY = null, firstPooled = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                CpuParallel.ThreadCount = threads;
                var y = new float[g.O * g.OH * g.OW];
                ConvWinograd.Forward(x, 0, w, 0, b, 0, g, y);
                var pooled = new float[poolSize];
                ConvWinograd.Forward(x, 0, w, 0, b, 0, g, pooled, tail: ConvTail.ReluMaxPool2x2);
                firstY ??= y;
                firstPooled ??= pooled;
                Assert.Equal(firstY, y);
                Assert.Equal(firstPooled, pooled);
            }
            var reference = new float[g.O * g.OH * g.OW];
            Conv2dReference.Forward<float>(x, w, b, g, reference);
            for (int i = 0; i < reference.Length; i++)
                Assert.True(Math.Abs(firstY![i] - reference[i]) <= 1e-3f * (1 + Math.Abs(reference[i])), $"y[{i}]: {firstY[i]} vs reference {reference[i]}");
            for (int i = 0; i < reference.Length; i++) reference[i] = Math.Max(reference[i], 0f);
            var referencePooled = new float[poolSize];
            Pool2dReference.MaxForward<float>(reference, new PoolGeometry(g.O, g.OH, g.OW, 2, 2, 2, 2), referencePooled);
            for (int i = 0; i < poolSize; i++)
                Assert.True(Math.Abs(firstPooled![i] - referencePooled[i]) <= 1e-3f * (1 + Math.Abs(referencePooled[i])),
                    $"pooled[{i}]: {firstPooled[i]} vs reference {referencePooled[i]}");
        }
        finally
        {
            ConvWinograd.TileOverride = 0;
            CpuParallel.ThreadCount = saved;
        }
    }

    // y, gx, gw and gb concatenated, computed on the given number of threads.
    private static float[] RunWithThreads(int threads, ConvGeometry g)
    {
        int saved = CpuParallel.ThreadCount;
        try
        {
            CpuParallel.ThreadCount = threads;
            var (x, w, b, gy) = Inputs(g);
            var y = new float[g.N * g.O * g.OH * g.OW];
            Conv2dKernels.Forward(x, 0, w, 0, b, 0, g, y);
            var gx = new float[x.Length];
            var gw = new float[w.Length];
            var gb = new float[g.O];
            Conv2dKernels.Backward(x, 0, w, 0, gy, g, gx, gw, gb);
            return [.. y, .. gx, .. gw, .. gb];
        }
        finally
        {
            CpuParallel.ThreadCount = saved;
        }
    }

    private static (float[] X, float[] W, float[] B, float[] Gy) Inputs(ConvGeometry g)
    {
        var rng = new Generator(29);
        return (Tensor.Randn(new Shape(g.N * g.C * g.H * g.W), rng).ToArray(),
            Tensor.Randn(new Shape(g.O * g.Cg * g.KH * g.KW), rng).ToArray(),
            Tensor.Randn(new Shape(g.O), rng).ToArray(),
            Tensor.Randn(new Shape(g.N * g.O * g.OH * g.OW), rng).ToArray());
    }
}
