using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>The 2x2 stride-2 max-pooling fast path against the generic kernel: values, argmax (ties, NaN, -inf) and gradients.</summary>
public class MaxPool2x2Tests
{
    [Theory]
    [InlineData(3, 28, 28, 0, false)]
    [InlineData(5, 14, 14, 3, false)]
    [InlineData(2, 2, 2, 1, false)]
    [InlineData(4, 6, 10, 0, false)]
    [InlineData(1, 8, 34, 2, false)]
    [InlineData(3, 28, 28, 0, true)] // the AVX2 path a CPU without AVX-512 takes: 8-output blocks, masked tails
    [InlineData(5, 14, 14, 3, true)]
    [InlineData(1, 8, 34, 2, true)]
    [InlineData(4, 6, 10, 0, true)]
    [InlineData(2, 2, 2, 1, true)]
    public void FastPathMatchesGenericKernel(int planes, int h, int w, int offset, bool avx2)
    {
        MaxPool2x2.ForceAvx2 = avx2;
        try
        {
            FastPathMatches(planes, h, w, offset);
        }
        finally
        {
            MaxPool2x2.ForceAvx2 = false;
        }
    }

    private static void FastPathMatches(int planes, int h, int w, int offset)
    {
        var g = new PoolGeometry(planes, h, w, 2, 2, 2, 2);
        Assert.True(MaxPool2x2.Applies(g));
        var rng = new Random(planes * 1000 + h * 10 + w);
        var x = new float[offset + planes * h * w];
        for (int i = 0; i < x.Length; i++)
        {
            // Few distinct values, so ties are common; a sprinkling of NaN and -inf.
            x[i] = rng.Next(20) switch
            {
                0 => float.NaN,
                1 => float.NegativeInfinity,
                _ => rng.Next(4),
            };
        }
        int outSize = planes * g.OH * g.OW;
        var yFast = new float[outSize];
        var aFast = new int[outSize];
        MaxPool2x2.Forward(x, offset, g, yFast, aFast);
        var yRef = new float[outSize];
        var aRef = new int[outSize];
        Pool2dKernels.MaxForward(x, offset, g, yRef, aRef);
        for (int i = 0; i < outSize; i++)
        {
            Assert.True(yRef[i].Equals(yFast[i]), $"output {i}: expected {yRef[i]}, got {yFast[i]}.");
            Assert.True(aRef[i] == aFast[i], $"argmax {i}: expected {aRef[i]}, got {aFast[i]}.");
        }

        // Inference computes the maxima alone, to the same bits, and writes nothing past the output.
        var yInfer = new float[outSize + 16];
        Array.Fill(yInfer, 77f);
        MaxPool2x2.Forward(x, offset, g, yInfer, null);
        for (int i = 0; i < outSize; i++)
            Assert.True(yRef[i].Equals(yInfer[i]), $"inference output {i}: expected {yRef[i]}, got {yInfer[i]}.");
        Assert.All(yInfer[outSize..], v => Assert.Equal(77f, v));

        var gy = new float[1 + outSize];
        for (int i = 0; i < gy.Length; i++) gy[i] = (float)rng.NextDouble() - 0.5f;
        var gxRef = new float[planes * h * w];
        Pool2dKernels.MaxBackward(gy, 1, g, aRef, gxRef);
        var gxFast = new float[gxRef.Length];
        Array.Fill(gxFast, 123f); // the fast backward must overwrite every element
        MaxPool2x2.Backward(gy, 1, g, aFast, gxFast);
        Assert.Equal(gxRef, gxFast);
    }

    [Theory]
    [InlineData(3, 3, 2, 2)]
    [InlineData(4, 5, 2, 2)]
    [InlineData(4, 4, 2, 1)]
    [InlineData(4, 4, 3, 2)]
    public void OtherShapesUseTheGenericPath(int h, int w, int k, int s)
    {
        Assert.False(MaxPool2x2.Applies(new PoolGeometry(1, h, w, k, k, s, s)));
    }

    [Fact]
    public void TensorMaxPoolGradientMatchesGenericPathThroughAutograd()
    {
        // Float32 takes the fast path, Float64 the generic one: same values and gradients.
        var rng = new Generator(5);
        var x32 = Tensor.Randn(new Shape(2, 3, 6, 8), rng).RequireGrad();
        var x64 = x32.Detach().To(DType.Float64).RequireGrad();
        var w = Tensor.Randn(new Shape(2, 3, 3, 4), rng);
        var l32 = x32.MaxPool2d(2, 2, 2, 2).Mul(w).Sum();
        var l64 = x64.MaxPool2d(2, 2, 2, 2).Mul(w.To(DType.Float64)).Sum();
        Assert.Equal(l64.Item(), l32.Item(), 4);
        var g32 = l32.Backward()[x32]!.ToArray();
        var g64 = l64.Backward()[x64]!.ToArray();
        Assert.Equal(g64, g32);
    }
}
