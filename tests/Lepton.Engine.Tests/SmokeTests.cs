using Lepton.Engine;

namespace Lepton.Engine.Tests;

public class SmokeTests
{
    [Fact]
    public void MatmulAndSumBackward()
    {
        var a = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3).RequireGrad();
        var b = Tensor.FromArray(new double[] { 1, 0, 0, 1, 1, 1 }, 3, 2).RequireGrad();
        var y = a.Matmul(b).Relu().Mul(a.Sum(1, keepDim: true)).Sum();
        var g = y.Backward();
        Assert.Equal(new[] { 2, 3 }, g.Get(a).Shape.ToArray());
        Assert.Equal(new[] { 3, 2 }, g.Get(b).Shape.ToArray());
        var c = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, c.T.Contiguous().ToArray());
        Assert.Equal(new float[] { 5, 7, 9 }, c.Sum(0).ToArray());
        Assert.Equal(new float[] { 2, 2 }, c.Argmax(1).ToArray());
    }
}
