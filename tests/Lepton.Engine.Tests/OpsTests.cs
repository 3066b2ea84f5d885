namespace Lepton.Engine.Tests;

/// <summary>Values and behaviour of the kernel-backed ops: pooling, softmax, indexing, joining, dropout.</summary>
public class OpsTests
{
    [Fact]
    public void Conv2dMatchesAHandComputedExample()
    {
        var x = Tensor.Arange(0, 9).Reshape(1, 1, 3, 3);
        var w = Tensor.FromArray(new float[] { 1, 0, 0, -1 }, 1, 1, 2, 2);
        var y = x.Conv2d(w, Tensor.FromArray(new float[] { 10 }));
        Assert.Equal(new[] { 1, 1, 2, 2 }, y.Shape.ToArray());
        Assert.All(y.ToArray(), v => Assert.Equal(6f, v));
        var padded = x.Conv2d(Tensor.Ones(1, 1, 1, 1), null, 2, 2, 1, 1);
        Assert.Equal(new float[] { 0, 0, 0, 0, 4, 0, 0, 0, 0 }, padded.ToArray());
    }

    [Fact]
    public void MaxPoolPadsWithNegativeInfinity()
    {
        var x = Tensor.Full(new Shape(1, 1, 2, 2), -5);
        var y = x.MaxPool2d(2, 2, 2, 2, 1, 1);
        Assert.All(y.ToArray(), v => Assert.Equal(-5f, v));
        var avg = x.AvgPool2d(2, 2, 2, 2, 1, 1);
        Assert.All(avg.ToArray(), v => Assert.Equal(-1.25f, v));
    }

    [Fact]
    public void AdaptiveAvgPoolToOneIsGlobalMean()
    {
        var x = Tensor.Randn(new Shape(2, 3, 5, 7), new Generator(3), dtype: DType.Float64);
        var y = x.AdaptiveAvgPool2d(1, 1);
        Assert.Equal(x.Mean([2, 3], keepDim: true).ToDoubleArray(), y.ToDoubleArray(), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void SoftmaxIsStableAndSumsToOne()
    {
        var x = Tensor.FromArray(new float[] { 1000, 1001, 1002, -1000, 0, 1000 }, 2, 3);
        var s = x.Softmax();
        Assert.All(s.ToArray(), v => Assert.False(float.IsNaN(v)));
        Assert.All(s.Sum(1).ToArray(), v => Assert.Equal(1f, v, 1e-6f));
        var ls = x.LogSoftmax();
        Assert.Equal(Math.Log(Math.Exp(-2) / (1 + Math.Exp(-1) + Math.Exp(-2))), ls[0, 0], 1e-4);
        Assert.Equal(s.Log().ToArray()[1], ls.ToArray()[1], 1e-4f);
        var col = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2).Softmax(0);
        Assert.Equal(1 / (1 + Math.E * Math.E), col[0, 0], 12);
    }

    [Fact]
    public void ConcatAndStack()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 5, 6 }, 2, 1);
        Assert.Equal(new float[] { 1, 2, 5, 3, 4, 6 }, Tensor.Concat([a, b], 1).ToArray());
        Assert.Equal(new float[] { 1, 2, 3, 4, 1, 3, 2, 4 }, Tensor.Concat([a, a.T], 0).ToArray());
        var s = Tensor.Stack([a, a], -1);
        Assert.Equal(new[] { 2, 2, 2 }, s.Shape.ToArray());
        Assert.Equal(new float[] { 1, 1, 2, 2, 3, 3, 4, 4 }, s.ToArray());
        Assert.Equal(new[] { 1, 2, 3 }, Tensor.Concat([Tensor.FromArray(new[] { 1 }), Tensor.FromArray(new[] { 2, 3 })]).ToIntArray());
    }

    [Fact]
    public void GatherIndexSelectAndEmbedding()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new float[] { 3, 1, 5, 5 }, x.Gather(1, Tensor.FromArray(new[] { 2, 0, 1, 1 }, 2, 2)).ToArray());
        Assert.Equal(new float[] { 4, 5, 6, 4, 5, 6, 1, 2, 3 }, x.IndexSelect(0, Tensor.FromArray(new[] { 1, 1, 0 })).ToArray());
        Assert.Equal(new float[] { 3, 1, 6, 4 }, x.IndexSelect(1, Tensor.FromArray(new[] { 2, 0 })).ToArray());
        var table = Tensor.Arange(0, 8).Reshape(4, 2);
        var e = table.Embedding(Tensor.FromArray(new[] { 3, 0, 3 }, 1, 3));
        Assert.Equal(new[] { 1, 3, 2 }, e.Shape.ToArray());
        Assert.Equal(new float[] { 6, 7, 0, 1, 6, 7 }, e.ToArray());
    }

    [Fact]
    public void EmbeddingBackwardScatterAddsRepeatedIds()
    {
        var table = Tensor.Zeros(3, 2).RequireGrad();
        var g = table.Embedding(Tensor.FromArray(new[] { 2, 2, 0 })).Sum().Backward();
        Assert.Equal(new float[] { 1, 1, 0, 0, 2, 2 }, g.Get(table).ToArray());
    }

    [Fact]
    public void DropoutIsSeededScaledAndIdentityInEval()
    {
        var x = Tensor.Ones(1000);
        Assert.Same(x, x.Dropout(0.5, training: false, new Generator(1)));
        var a = x.Dropout(0.25, training: true, new Generator(1)).ToArray();
        Assert.Equal(a, x.Dropout(0.25, training: true, new Generator(1)).ToArray());
        Assert.All(a, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75f) < 1e-6));
        Assert.InRange(a.Count(v => v == 0), 200, 300);
        Assert.All(x.Dropout(1, training: true, new Generator(1)).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void DropoutBackwardUsesTheSameMask()
    {
        var x = Tensor.Ones(50).RequireGrad();
        var y = x.Dropout(0.5, training: true, new Generator(4));
        var g = y.Sum().Backward().Get(x);
        Assert.Equal(y.ToArray(), g.ToArray());
    }

    private sealed class ToleranceComparer(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol;

        public int GetHashCode(double v) => 0;
    }
}
