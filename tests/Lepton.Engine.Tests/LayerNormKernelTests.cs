using Lepton.Engine.Kernels.Normalization;

namespace Lepton.Engine.Tests;

/// <summary>The fused layer-norm kernels against their plain twins, and the op's gradients against finite differences.</summary>
public class LayerNormKernelTests
{
    [Theory]
    [InlineData(7, 13, true)]
    [InlineData(5, 128, false)]
    public void LayerNormKernels_FusedAndPlain_Agree(int rows, int d, bool affine)
    {
        var rng = new Random(rows * d);
        double[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 1)];
        var x = Draw(rows * d);
        var w = affine ? Draw(d) : null;
        var b = affine ? Draw(d) : null;
        var gy = Draw(rows * d);
        double[] y1 = new double[rows * d], y2 = new double[rows * d], m1 = new double[rows], m2 = new double[rows], s1 = new double[rows], s2 = new double[rows];
        LayerNormKernels.Forward(x, 0, rows, d, w, b, 1e-5, y1, m1, s1);
        LayerNormKernels.ForwardReference(x, 0, rows, d, w, b, 1e-5, y2, m2, s2);
        AssertClose(y2, y1);
        double[] gx1 = new double[rows * d], gx2 = new double[rows * d];
        double[]? gw1 = affine ? new double[d] : null, gw2 = affine ? new double[d] : null, gb1 = affine ? new double[d] : null, gb2 = affine ? new double[d] : null;
        LayerNormKernels.Backward(x, 0, gy, 0, rows, d, w, m1, s1, gx1, gw1, gb1, affine ? new double[rows * d] : null);
        LayerNormKernels.BackwardReference(x, 0, gy, 0, rows, d, w, m2, s2, gx2, gw2, gb2);
        AssertClose(gx2, gx1);
        if (affine)
        {
            AssertClose(gw2!, gw1!);
            AssertClose(gb2!, gb1!);
        }
    }

    [Fact]
    public void LayerNorm_Gradients_MatchFiniteDifferences()
    {
        var g = new Generator(3);
        var x = Tensor.Randn(new Shape(3, 2, 5), g, dtype: DType.Float64);
        var w = Tensor.Randn(new Shape(2, 5), g, 1, 0.3, DType.Float64);
        var b = Tensor.Randn(new Shape(2, 5), g, dtype: DType.Float64);
        GradCheck.Check(t => t[0].LayerNorm(2, t[1], t[2]), x, w, b);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
