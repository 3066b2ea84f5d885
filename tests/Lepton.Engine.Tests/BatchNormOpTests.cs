using Lepton.Engine.Autograd;
using static Lepton.Engine.Tests.TestData;

namespace Lepton.Engine.Tests;

/// <summary>
/// Tensor.BatchNorm: finite-difference gradients in Float64 (x, weight, bias; training and eval; (N,C), (N,C,L) and
/// (N,C,H,W)), the values the composed ops give, the running-statistic update, and the argument errors.
/// </summary>
public class BatchNormOpTests
{
    [Theory]
    [InlineData(new[] { 3, 2, 3, 3 }, true)]
    [InlineData(new[] { 2, 1, 5 }, true)]
    [InlineData(new[] { 4, 3 }, true)]
    [InlineData(new[] { 3, 2, 3, 3 }, false)]
    public void GradientsMatchFiniteDifferences(int[] shape, bool training)
    {
        int c = shape[1];
        var rm = Normal(5, c);
        var rv = Positive(6, c);
        GradCheck.Check(t => t[0].BatchNorm(t[1], t[2], rm, rv, training), Normal(1, shape), Normal(2, c), Normal(3, c));
    }

    [Fact]
    public void GradientWithoutAffineMatchesFiniteDifferences() =>
        GradCheck.Check(t => t[0].BatchNorm(null, null, null, null, training: true), Normal(7, 2, 3, 2, 3));

    [Fact]
    public void EqualsTheComposedOpsAndMovesTheRunningStatistics()
    {
        var x = Normal(8, 4, 3, 5, 2).Mul(3).Add(2);
        var w = Normal(9, 3);
        var b = Normal(10, 3);
        var rm = Tensor.Zeros(new Shape(3), DType.Float64);
        var rv = Tensor.Ones(new Shape(3), DType.Float64);
        var y = x.BatchNorm(w, b, rm, rv, training: true, momentum: 0.25, eps: 1e-3);

        int[] axes = [0, 2, 3];
        var mean = x.Mean(axes, keepDim: true);
        var variance = x.Var(axes, keepDim: true, unbiased: false);
        var expected = x.Sub(mean).Div(variance.Add(1e-3).Sqrt()).Mul(w.Reshape(1, 3, 1, 1)).Add(b.Reshape(1, 3, 1, 1));
        AssertClose(expected.ToDoubleArray(), y.ToDoubleArray(), 1e-12);
        var unbiased = x.Var(axes, keepDim: false, unbiased: true).ToDoubleArray();
        var m = mean.ToDoubleArray();
        AssertClose(m.Select(v => 0.25 * v).ToArray(), rm.ToDoubleArray(), 1e-12);
        AssertClose(unbiased.Select(v => 0.75 + 0.25 * v).ToArray(), rv.ToDoubleArray(), 1e-12);

        // Eval normalizes with the running statistics and leaves them alone.
        var before = rm.ToDoubleArray();
        var yEval = x.BatchNorm(w, b, rm, rv, training: false, eps: 1e-3);
        var expectedEval = x.Sub(rm.Reshape(1, 3, 1, 1)).Div(rv.Reshape(1, 3, 1, 1).Add(1e-3).Sqrt())
            .Mul(w.Reshape(1, 3, 1, 1)).Add(b.Reshape(1, 3, 1, 1));
        AssertClose(expectedEval.ToDoubleArray(), yEval.ToDoubleArray(), 1e-12);
        Assert.Equal(before, rm.ToDoubleArray());
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var x = Tensor.Zeros(4, 3, 2);
        var one = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 3).BatchNorm(null, null, null, null, training: true));
        Assert.Contains("more than one value per channel", one.Message);
        Assert.Contains("weight must have shape (3)", Assert.Throws<ArgumentException>(() => x.BatchNorm(Tensor.Ones(4), null, null, null, true)).Message);
        Assert.Contains("convert them to one dtype",
            Assert.Throws<ArgumentException>(() => x.BatchNorm(Tensor.Ones(new Shape(3), DType.Float64), null, null, null, true)).Message);
        Assert.Contains("or neither", Assert.Throws<ArgumentException>(() => x.BatchNorm(null, null, Tensor.Zeros(3), null, true)).Message);
        Assert.Contains("(N,C,*)", Assert.Throws<ArgumentException>(() => Tensor.Zeros(5).BatchNorm(null, null, null, null, true)).Message);
        var frozen = Tensor.Zeros(3);
        frozen.Storage.MakeReadOnly();
        Assert.Throws<InvalidOperationException>(() => x.BatchNorm(null, null, frozen, Tensor.Ones(3), training: true));
        using var _ = new NoGrad();
        Assert.Equal(x.Shape, x.BatchNorm(null, null, frozen, Tensor.Ones(3), training: false).Shape); // eval only reads them
    }

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"[{i}]: expected {expected[i]:G17}, got {actual[i]:G17}.");
    }
}
