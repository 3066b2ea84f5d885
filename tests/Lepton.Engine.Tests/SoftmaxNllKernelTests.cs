using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>The fused cross-entropy kernels against the log-softmax kernel and a plain per-element definition.</summary>
public sealed class SoftmaxNllKernelTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 3)]
    [InlineData(64, 10)]
    [InlineData(3, 33)]
    public void LogProbabilitiesLossAndGradientMatchTheirDefinitions(int rows, int len)
    {
        var x = Tensor.Randn(new Shape(rows + 1, len), new Generator(2), 0, 4).ToArray();
        var targets = Enumerable.Range(0, rows).Select(r => (r * 5 + 1) % len).ToArray();
        var logp = new float[rows * len];
        // Offset by one row: the kernel must read from xOffset.
        float loss = SoftmaxKernels.LogSoftmaxNll(x, len, rows, len, targets, logp);
        var expected = new float[rows * len];
        SoftmaxKernels.Forward(x, len, rows, len, 1, expected, log: true);
        Assert.Equal(expected, logp);
        float sum = 0;
        for (int r = 0; r < rows; r++) sum -= expected[r * len + targets[r]];
        Assert.Equal(sum, loss);

        var gx = new float[rows * len];
        SoftmaxKernels.NllSoftmaxBackward(logp, rows, len, targets, 0.25f, gx);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < len; j++)
                Assert.Equal(0.25f * MathF.Exp(logp[r * len + j]) - (j == targets[r] ? 0.25f : 0f), gx[r * len + j], 7);
    }
}

/// <summary>The SIMD softmax rows (the last, contiguous axis) against the plain loops, forward and backward.</summary>
public sealed class SoftmaxRowKernelTests
{
    [Theory]
    [InlineData(5, 128)]
    [InlineData(3, 13)]
    [InlineData(4, 3)]
    public void SoftmaxRows_SimdAndPlain_Agree(int rows, int len)
    {
        var rng = new Random(rows + len);
        var x = Enumerable.Range(0, rows * len).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        var gy = Enumerable.Range(0, rows * len).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] y1 = new float[x.Length], y2 = new float[x.Length], g1 = new float[x.Length], g2 = new float[x.Length];
        SoftmaxKernels.Forward(x, 0, rows, len, 1, y1, log: false);
        SoftmaxKernels.ForwardReference(x, 0, rows, len, 1, y2, log: false);
        SoftmaxKernels.Backward(y2, gy, 0, rows, len, 1, g1, log: false);
        SoftmaxKernels.BackwardReference(y2, gy, 0, rows, len, 1, g2, log: false);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(y1[i] - y2[i]) <= 1e-6 * Math.Max(1, Math.Abs(y2[i])), $"forward {i}: {y1[i]} vs {y2[i]}");
            Assert.True(Math.Abs(g1[i] - g2[i]) <= 1e-6, $"backward {i}: {g1[i]} vs {g2[i]}");
        }
    }
}
