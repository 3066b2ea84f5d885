using Lepton.Engine.Autograd;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>Shapes, strides and views; creation; broadcasting; reductions; the random generator.</summary>
[Collection(ThreadCountCollection.Name)]
public class TensorBasicsTests
{
    private static Tensor Iota(params int[] shape) => Tensor.Arange(0, new Shape(shape).Size).Reshape(shape);

    [Fact]
    public void ContiguousStridesAreRowMajor()
    {
        var t = Tensor.Zeros(2, 3, 4);
        Assert.Equal(new[] { 12, 4, 1 }, t.GetStrides());
        Assert.True(t.IsContiguous);
        Assert.Equal(24, t.Numel);
        Assert.Equal(3, t.Rank);
    }

    [Fact]
    public void PermuteAndTransposeAreViews()
    {
        var t = Iota(2, 3, 4);
        var p = t.Permute(2, 0, 1);
        Assert.Same(t.Storage, p.Storage);
        Assert.Equal(new[] { 4, 2, 3 }, p.Shape.ToArray());
        Assert.Equal(new[] { 1, 12, 4 }, p.GetStrides());
        Assert.False(p.IsContiguous);
        Assert.Equal(t[1, 2, 3], p[3, 1, 2]);
        var c = p.Contiguous();
        Assert.True(c.IsContiguous);
        Assert.Equal(t[1, 0, 2], c[2, 1, 0]);
        Assert.Equal(new float[] { 0, 4, 8, 1, 5, 9 }, Iota(3, 4).T.Slice(0, 0, 2).Contiguous().ToArray());
    }

    [Fact]
    public void SliceSelectAndExpandShareStorage()
    {
        var t = Iota(4, 5);
        var s = t.Slice(1, 1, 5, 2);
        Assert.Same(t.Storage, s.Storage);
        Assert.Equal(new[] { 4, 2 }, s.Shape.ToArray());
        Assert.Equal(new float[] { 1, 3, 6, 8, 11, 13, 16, 18 }, s.ToArray());
        Assert.Equal(new float[] { 10, 11, 12, 13, 14 }, t.Select(0, -2).ToArray());
        var e = Tensor.FromArray(new float[] { 1, 2, 3 }, 3, 1).Expand(2, 3, 4);
        Assert.Equal(new[] { 0, 1, 0 }, e.GetStrides());
        Assert.Equal(3.0, e[1, 2, 3]);
    }

    [Fact]
    public void ReshapeInfersOneDimensionAndCopiesOnlyWhenNeeded()
    {
        var t = Iota(2, 6);
        var r = t.Reshape(3, -1);
        Assert.Equal(new[] { 3, 4 }, r.Shape.ToArray());
        Assert.Same(t.Storage, r.Storage);
        var fromView = t.T.Reshape(12);
        Assert.NotSame(t.Storage, fromView.Storage);
        Assert.Equal(new float[] { 0, 6, 1, 7 }, fromView.Slice(0, 0, 4).ToArray());
        Assert.Equal(new[] { 2, 1, 6 }, t.Unsqueeze(1).Shape.ToArray());
        Assert.Equal(new[] { 2, 6 }, t.Unsqueeze(1).Squeeze().Shape.ToArray());
        Assert.Equal(new[] { 2, 6 }, Iota(2, 2, 3).Flatten(1).Shape.ToArray());
    }

    [Fact]
    public void CreationHelpers()
    {
        Assert.All(Tensor.Ones(2, 2).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(Tensor.Full(new Shape(3), 2.5, DType.Float64).ToDoubleArray(), v => Assert.Equal(2.5, v));
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f }, Tensor.Arange(1, 3, 0.5).ToArray());
        Assert.Equal(0, Tensor.Scalar(4).Rank);
        Assert.Equal(4f, Tensor.Scalar(4).Item());
        Assert.Equal(DType.Int32, Tensor.FromArray(new[] { 1, 2 }).DType);
        var u = Tensor.Rand(new Shape(1000), new Generator(1), -2, 3).ToArray();
        Assert.All(u, v => Assert.InRange(v, -2f, 3f));
        var n = Tensor.Randn(new Shape(20000), new Generator(2), 1, 2, DType.Float64);
        Assert.InRange(n.Mean().Item(), 0.95, 1.05);
        Assert.InRange(n.Var().Item(), 3.8, 4.2);
    }

    [Fact]
    public void GeneratorIsDeterministic()
    {
        var a = new Generator(123);
        var b = new Generator(123);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextULong(), b.NextULong());
        Assert.Equal(new Generator(5).Permutation(10), new Generator(5).Permutation(10));
        Assert.NotEqual(new Generator(5).Permutation(50), new Generator(6).Permutation(50));
        Assert.Equal(Tensor.Randn(new Shape(8), new Generator(9)).ToArray(), Tensor.Randn(new Shape(8), new Generator(9)).ToArray());
        var p = new Generator(7).Permutation(20);
        Assert.Equal(Enumerable.Range(0, 20), p.OrderBy(v => v));
    }

    [Fact]
    public void BroadcastingFollowsNumPy()
    {
        var a = Iota(2, 1, 3);
        var b = Tensor.FromArray(new float[] { 10, 20 }, 2, 1);
        var c = a + b;
        Assert.Equal(new[] { 2, 2, 3 }, c.Shape.ToArray());
        Assert.Equal(new float[] { 10, 11, 12, 20, 21, 22, 13, 14, 15, 23, 24, 25 }, c.ToArray());
        Assert.Equal(new float[] { 0, 2, 4 }, (Iota(3) * 2).ToArray());
        Assert.Equal(new float[] { 1, 0, 0 }, Iota(3).Lt(1).ToArray());
        Assert.Equal(new float[] { 1, 1, 2 }, Iota(3).Maximum(Tensor.Scalar(1)).ToArray());
    }

    [Fact]
    public void ReductionsOverAxes()
    {
        var t = Iota(2, 3, 4);
        Assert.Equal(276f, t.Sum().Item());
        Assert.Equal(new[] { 2, 1, 4 }, t.Sum(1, keepDim: true).Shape.ToArray());
        Assert.Equal(new float[] { 12, 15, 18, 21, 48, 51, 54, 57 }, t.Sum(1).ToArray());
        Assert.Equal(new float[] { 60, 92, 124 }, t.Sum([0, 2]).ToArray());
        Assert.Equal(new float[] { 1.5f, 5.5f, 9.5f, 13.5f, 17.5f, 21.5f }, t.Mean(-1).ToArray());
        Assert.Equal(new float[] { 20, 21, 22, 23 }, t.Max([0, 1]).ToArray());
        Assert.Equal(new float[] { 0, 4, 8 }, t.Min(0).Min(1).ToArray());
        var v = Tensor.FromArray(new double[] { 1, 2, 3, 4 });
        Assert.Equal(5.0 / 3, v.Var().Item(), 6);
        Assert.Equal(1.25, v.Var(0, unbiased: false).Item(), 6);
    }

    [Fact]
    public void ArgmaxReturnsFirstMaximumAsInt32()
    {
        var t = Tensor.FromArray(new float[] { 1, 5, 5, 2, 7, 0 }, 2, 3);
        var am = t.Argmax(1);
        Assert.Equal(DType.Int32, am.DType);
        Assert.Equal(new[] { 1, 1 }, am.ToIntArray());
        Assert.Equal(new[] { 1, 1, 0 }, t.Argmax(0).ToIntArray());
        Assert.Equal(new[] { 2, 1 }, t.Argmax(1, keepDim: true).Shape.ToArray());
        Assert.Equal(new[] { 0, 2 }, t.Argmin(1).ToIntArray());
    }

    [Fact]
    public void MatmulBatchesAndBroadcasts()
    {
        var a = Iota(2, 2, 3);
        var b = Iota(3, 2);
        var c = a.Matmul(b);
        Assert.Equal(new[] { 2, 2, 2 }, c.Shape.ToArray());
        Assert.Equal(new float[] { 10, 13, 28, 40, 46, 67, 64, 94 }, c.ToArray());
        Assert.Equal(new float[] { 10, 13, 28, 40 }, Iota(2, 3).Matmul(b).ToArray());
        Assert.Equal(new float[] { 5, 14 }, Iota(2, 3).Matmul(Iota(3)).ToArray());
        Assert.Equal(c.ToArray(), a.Matmul(b.T.Contiguous().T).ToArray());
    }

    [Fact]
    public void ToAndCloneCopy()
    {
        var t = Tensor.FromArray(new float[] { 1.5f, -2.5f });
        Assert.Equal(new[] { 1, -2 }, t.To(DType.Int32).ToIntArray());
        var c = t.Clone();
        c.Span<float>()[0] = 9;
        Assert.Equal(1.5f, t.ToArray()[0]);
        Assert.Same(t, t.To(DType.Float32));
    }

    [Fact]
    public void ThreadCountIsSettable()
    {
        int saved = CpuParallel.ThreadCount;
        try
        {
            var x = Tensor.Randn(new Shape(64, 300), new Generator(3));
            CpuParallel.ThreadCount = 1;
            var one = x.Exp().Sum(1).ToArray();
            CpuParallel.ThreadCount = 4;
            Assert.Equal(one, x.Exp().Sum(1).ToArray());
            Assert.Throws<ArgumentOutOfRangeException>(() => CpuParallel.ThreadCount = 0);
        }
        finally
        {
            CpuParallel.ThreadCount = saved;
        }
    }
}
