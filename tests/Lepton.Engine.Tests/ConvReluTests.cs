using Lepton.Engine.Autograd;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>
/// <see cref="Tensor.Conv2dRelu"/> rectifies each convolution path's output while in cache: the same bits as Conv2d then
/// Relu on every path (depthwise, stride-1 direct, Winograd whole and cut by tile rows, single channel, im2col batched and
/// one sample split), on one and two threads; recorded and float64 calls run the two ops.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ConvReluTests
{
    public static TheoryData<string, int, int, int, int, int, int, int> Paths => new()
    {
        // path, N, C, side, O, kernel, stride, groups
        { "depthwise s1", 3, 16, 14, 16, 3, 1, 16 },
        { "depthwise s2 narrow", 2, 8, 14, 8, 3, 2, 8 },
        { "pointwise (stride-1 direct)", 3, 24, 7, 40, 1, 1, 1 },
        { "winograd", 3, 32, 14, 64, 3, 1, 1 },
        { "winograd one sample by rows", 1, 32, 28, 64, 3, 1, 1 },
        { "single channel", 3, 1, 28, 32, 3, 1, 1 },
        { "im2col strided", 5, 8, 15, 12, 3, 2, 1 },
        { "im2col one sample split", 1, 32, 28, 64, 3, 2, 1 },
        { "im2col grouped", 3, 8, 9, 8, 3, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Conv2dRelu_GivesConv2dThenReluBitForBit(string path, int n, int c, int side, int o, int k, int stride, int groups)
    {
        Assert.NotEmpty(path); // names the case in the test output
        var rng = new Generator(5);
        var x = Tensor.Randn(new Shape(n, c, side, side), rng);
        var w = Tensor.Randn(new Shape(o, c / groups, k, k), rng).Mul(0.3);
        var b = Tensor.Randn(new Shape(o), rng).Mul(0.2);
        // Read-only, as a served model's: the packed and single-channel paths only take those.
        w.Storage.MakeReadOnly();
        b.Storage.MakeReadOnly();
        int pad = k / 2, saved = CpuParallel.ThreadCount;
        using var _ = new NoGrad();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                CpuParallel.ThreadCount = threads;
                var expected = x.Conv2d(w, b, stride, stride, pad, pad, 1, 1, groups).Relu().ToArray();
                var fused = x.Conv2dRelu(w, b, stride, stride, pad, pad, 1, 1, groups);
                Assert.Equal(expected, fused.ToArray());
                Assert.Contains(fused.ToArray(), v => v > 0);
            }
        }
        finally
        {
            CpuParallel.ThreadCount = saved;
        }
    }

    [Fact]
    public void Conv2dRelu_RecordedOrFloat64_RunsTheOpsWithTheirGradients()
    {
        var rng = new Generator(3);
        var x = Tensor.Randn(new Shape(2, 4, 6, 6), rng).RequireGrad();
        var w = Tensor.Randn(new Shape(5, 4, 3, 3), rng).RequireGrad();
        var fused = x.Conv2dRelu(w, null, 1, 1, 1, 1).Sum().Backward();
        var ops = x.Conv2d(w, null, 1, 1, 1, 1).Relu().Sum().Backward();
        Assert.Equal(ops.Get(x).ToArray(), fused.Get(x).ToArray());
        Assert.Equal(ops.Get(w).ToArray(), fused.Get(w).ToArray());

        var x64 = x.Detach().To(DType.Float64);
        var w64 = w.Detach().To(DType.Float64);
        using var _ = new NoGrad();
        Assert.Equal(x64.Conv2d(w64, null, 1, 1, 1, 1).Relu().ToDoubleArray(), x64.Conv2dRelu(w64, null, 1, 1, 1, 1).ToDoubleArray());
    }
}
