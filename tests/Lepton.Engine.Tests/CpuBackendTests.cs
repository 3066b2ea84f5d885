using Lepton.Engine.Backends;
using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>
/// The CPU backend keeps the seam's contract: every output it is given is overwritten (never added to), on each kernel
/// path (stride-1 and im2col convolutions, the 2x2 and general max pools), and its values are the recorded ops' values.
/// </summary>
public class CpuBackendTests
{
    private static readonly IKernelBackend Cpu = CpuBackend.Instance;

    private static Tensor Rand(params int[] shape) => Tensor.Randn(new Shape(shape), new Generator((ulong)shape.Sum()));

    // Runs `run` twice, into outputs first zeroed and then filled with 7s: the results must be the same bits.
    private static void Overwrites(Func<Tensor[]> outputs, Action<Tensor[]> run)
    {
        var zeroed = outputs();
        run(zeroed);
        var dirty = outputs();
        foreach (var t in dirty) t.CopyFrom(Tensor.Full(t.Shape, 7, t.DType));
        run(dirty);
        for (int i = 0; i < zeroed.Length; i++) Assert.Equal(zeroed[i].ToDoubleArray(), dirty[i].ToDoubleArray());
    }

    [Theory]
    [InlineData(1, 1)] // stride 1, padding 1: the stride-1 path
    [InlineData(2, 0)] // stride 2: the im2col path
    public void Conv2d_OverwritesItsOutputsAndMatchesTheRecordedOp(int stride, int pad)
    {
        var x = Rand(2, 3, 8, 8);
        var w = Rand(4, 3, 3, 3);
        var b = Rand(4);
        var g = new ConvGeometry(2, 3, 8, 8, 4, 3, 3, stride, stride, pad, pad, 1, 1, 1);
        var recorded = x.Conv2d(w, b, stride, stride, pad, pad);
        var gy = Rand(recorded.Shape.ToArray());
        Overwrites(() => [Tensor.Zeros(recorded.Shape)], o => Cpu.Conv2dForward(x, w, b, g, o[0]));
        var y = Tensor.Zeros(recorded.Shape);
        Cpu.Conv2dForward(x, w, b, g, y);
        Assert.Equal(recorded.ToArray(), y.ToArray());
        Overwrites(() => [Tensor.Zeros(x.Shape), Tensor.Zeros(w.Shape), Tensor.Zeros(b.Shape)],
            o => Cpu.Conv2dBackward(x, w, gy, g, o[0], o[1], o[2]));
        Overwrites(() => [Tensor.Zeros(b.Shape)], o => Cpu.Conv2dBackward(x, w, gy, g, null, null, o[0])); // bias alone
    }

    [Theory]
    [InlineData(2, 2, 0, true)] // 2x2 stride 2: the fast pool, with the ReLU fused
    [InlineData(3, 1, 1, false)] // overlapping windows: the general pool
    public void MaxPool_OverwritesItsOutputs(int k, int s, int p, bool relu)
    {
        var x = Rand(2, 3, 6, 6);
        var g = new PoolGeometry(6, 6, 6, k, k, s, s, p, p);
        Assert.Equal(relu, Cpu.MaxPoolFusesRelu(g));
        var outShape = new Shape(2, 3, g.OH, g.OW);
        var argmax = Tensor.Zeros(new Shape(g.Planes * g.OH * g.OW), DType.Int32);
        Overwrites(() => [Tensor.Zeros(outShape)], o => Cpu.MaxPool2dForward(x, g, o[0], argmax, relu));
        var y = Tensor.Zeros(outShape);
        Cpu.MaxPool2dForward(x, g, y, argmax, relu);
        Assert.Equal((relu ? x.Relu() : x).MaxPool2d(k, k, s, s, p, p).ToArray(), y.ToArray());
        var gy = Rand(outShape.ToArray());
        Overwrites(() => [Tensor.Zeros(x.Shape)], o => Cpu.MaxPool2dBackward(gy, g, argmax, o[0], relu ? x : null));
    }

    [Fact]
    public void AvgPools_BatchNorm_Activations_Linear_OverwriteTheirOutputs()
    {
        var x = Rand(2, 3, 6, 6);
        var g = new PoolGeometry(6, 6, 6, 3, 3, 2, 2, 1, 1);
        var pooled = new Shape(2, 3, g.OH, g.OW);
        Overwrites(() => [Tensor.Zeros(pooled)], o => Cpu.AvgPool2dForward(x, g, o[0]));
        Overwrites(() => [Tensor.Zeros(x.Shape)], o => Cpu.AvgPool2dBackward(Rand(pooled.ToArray()), g, o[0]));
        Overwrites(() => [Tensor.Zeros(new Shape(2, 3, 4, 5))], o => Cpu.AdaptiveAvgPool2dForward(x, 6, 6, 6, 4, 5, o[0]));
        Overwrites(() => [Tensor.Zeros(x.Shape)], o => Cpu.AdaptiveAvgPool2dBackward(Rand(2, 3, 4, 5), 6, 6, 6, 4, 5, o[0]));

        var bn = BatchNormGeometry.Of(x.Shape);
        var (w, b) = (Rand(3), Rand(3));
        Tensor Stats() => Tensor.Zeros(new Shape(3), DType.Float64);
        Overwrites(() => [Tensor.Zeros(x.Shape), Stats(), Stats()],
            o => Cpu.BatchNormForward(x, bn, w, b, null, null, batchStats: true, 0.1, 1e-5, o[0], o[1], o[2]));
        var (mean, invstd) = (Stats(), Stats());
        Cpu.BatchNormForward(x, bn, w, b, null, null, true, 0.1, 1e-5, Tensor.Zeros(x.Shape), mean, invstd);
        Overwrites(() => [Tensor.Zeros(x.Shape), Tensor.Zeros(new Shape(3)), Tensor.Zeros(new Shape(3))],
            o => Cpu.BatchNormBackward(x, Rand(x.Shape.ToArray()), bn, w, mean, invstd, true, o[0], o[1], o[2]));

        foreach (var f in Enum.GetValues<Activation>())
        {
            var y = Tensor.Zeros(x.Shape);
            Overwrites(() => [Tensor.Zeros(x.Shape)], o => Cpu.ActivationForward(f, 0.1, x, o[0]));
            Cpu.ActivationForward(f, 0.1, x, y);
            Overwrites(() => [Tensor.Zeros(x.Shape)], o => Cpu.ActivationBackward(f, 0.1, x, y, Rand(x.Shape.ToArray()), o[0]));
        }

        var (lx, lw, lb) = (Rand(5, 4), Rand(3, 4), Rand(3));
        Overwrites(() => [Tensor.Zeros(new Shape(5, 3))], o => Cpu.LinearForward(lx, lw, lb, o[0], 5, 4, 3));
        Overwrites(() => [Tensor.Zeros(lx.Shape), Tensor.Zeros(lw.Shape), Tensor.Zeros(lb.Shape)],
            o => Cpu.LinearBackward(lx, lw, Rand(5, 3), o[0], o[1], o[2], 5, 4, 3));
    }

    [Fact]
    public void OutputViewsNotAtOffsetZero_AreRefusedWithTheFix()
    {
        var x = Rand(1, 1, 4, 4);
        var y = Tensor.Zeros(2, 1, 1, 2, 2).Select(0, 1);
        var e = Assert.Throws<ArgumentException>(() => Cpu.AvgPool2dForward(x, new PoolGeometry(1, 4, 4, 2, 2, 2, 2), y));
        Assert.Contains("AvgPool2dForward (cpu backend) writes buffers from their start, got a view at offset 4", e.Message);
    }
}
