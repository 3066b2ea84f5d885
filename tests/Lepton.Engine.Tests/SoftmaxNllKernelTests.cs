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
