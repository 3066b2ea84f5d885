using Lepton.Engine.Autograd;

namespace Lepton.Engine.Tests;

/// <summary>The fused ReLU + max-pool op against the two ops in a row: values, winners and gradients, bit for bit.</summary>
public class ReluMaxPoolTests
{
    // Few distinct values (ties are common), negatives, -0, NaN and -inf: every case where ReLU changes the winner.
    private static Tensor AwkwardInput(Shape shape, int seed)
    {
        var rng = new Random(seed);
        var v = new float[shape.Size];
        for (int i = 0; i < v.Length; i++)
            v[i] = rng.Next(12) switch
            {
                0 => float.NaN,
                1 => float.NegativeInfinity,
                2 => -0f,
                _ => rng.Next(-3, 4),
            };
        return Tensor.FromArray(v, shape.ToArray());
    }

    [Theory]
    [InlineData(2, 3, 28, 28, 2)]   // the reference CNN's pools
    [InlineData(1, 4, 14, 14, 2)]
    [InlineData(3, 2, 6, 10, 2)]
    [InlineData(2, 2, 9, 9, 3)]     // not the 2x2 fast path: runs the two ops
    public void FusedOpEqualsReluThenMaxPool(int n, int c, int h, int w, int k)
    {
        var x = AwkwardInput(new Shape(n, c, h, w), n * 100 + h).RequireGrad();
        var composite = x.Relu().MaxPool2d(k, k, k, k);
        var fused = x.ReluMaxPool2d(k, k, k, k);
        Assert.Equal(composite.ToArray(), fused.ToArray());

        var seed = Tensor.Randn(composite.Shape, new Generator(7));
        var gComposite = composite.Backward(null, seed).Get(x).ToArray();
        var gFused = fused.Backward(null, seed).Get(x).ToArray();
        Assert.Equal(gComposite, gFused);

        using (new NoGrad())
        {
            var inference = x.ReluMaxPool2d(k, k, k, k);
            Assert.Null(inference.Node);
            Assert.Equal(composite.ToArray(), inference.ToArray());
        }
    }

    [Fact]
    public void DoubleTensorsRunTheTwoOps()
    {
        var x = Tensor.Randn(new Shape(1, 2, 4, 4), new Generator(3), dtype: DType.Float64);
        Assert.Equal(x.Relu().MaxPool2d(2, 2, 2, 2).ToDoubleArray(), x.ReluMaxPool2d(2, 2, 2, 2).ToDoubleArray());
    }
}
