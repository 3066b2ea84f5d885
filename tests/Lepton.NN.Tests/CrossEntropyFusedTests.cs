using Lepton.Engine;
using Lepton.NN.Losses;

namespace Lepton.NN.Tests;

/// <summary>The fused mean cross-entropy against the composite of recorded ops it replaces (log-softmax, gather, mean).</summary>
public sealed class CrossEntropyFusedTests
{
    private static Tensor Composite(Tensor logits, Tensor targets)
    {
        int n = logits.Shape[0];
        var picked = logits.LogSoftmax(1).Gather(1, targets.Reshape(n, 1)).Reshape(n);
        return picked.Neg().Sum().Div(n);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(3, 7, false)]
    [InlineData(64, 10, false)]
    [InlineData(5, 33, true)]
    public void MatchesTheCompositeValueAndGradient(int n, int c, bool transposedView)
    {
        var rng = new Generator(9);
        var data = transposedView ? Tensor.Randn(new Shape(c, n), rng, 0, 3).T : Tensor.Randn(new Shape(n, c), rng, 0, 3);
        var ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = (i * 7 + 3) % c;
        var targets = Tensor.FromArray(ids, n);
        var (a, b) = (data.Detach().RequireGrad(), data.Detach().RequireGrad());
        var fused = CrossEntropyLoss.Apply(a, targets);
        var composite = Composite(b, targets);
        Assert.Equal(composite.ToArray()[0], fused.ToArray()[0], 1e-5f);
        // A seed other than 1 checks that the incoming gradient scales the result.
        var seed = Tensor.Scalar(2.5);
        var (ga, gb) = (fused.Backward(seed: seed)[a]!.ToArray(), composite.Backward(seed: seed)[b]!.ToArray());
        for (int i = 0; i < ga.Length; i++) Assert.Equal(gb[i], ga[i], 1e-6f);
    }

    [Fact]
    public void RecordsNothingWhenTheLogitsNeedNoGradient()
    {
        var loss = CrossEntropyLoss.Apply(Tensor.Zeros(2, 4), Tensor.FromArray(new[] { 0, 3 }, 2));
        Assert.False(loss.RequiresGrad);
        Assert.Equal(MathF.Log(4), loss.ToArray()[0], 6);
    }
}
