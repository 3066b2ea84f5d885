using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Tests.Optimizers;

public sealed class OptimizerBehaviourTests
{
    private static Parameter P(float[] v, string name = "w") => new(Tensor.FromArray(v, v.Length), name);

    private static GradStore Grads(params (Parameter P, float[] G)[] entries)
    {
        var s = new GradStore();
        foreach (var (p, g) in entries) s.Set(p.Value, Tensor.FromArray(g, g.Length));
        return s;
    }

    [Fact]
    public void SkipsFrozenParametersAndParametersWithoutGradient()
    {
        var frozen = P([1f, 2f], "frozen");
        var missing = P([3f], "missing");
        var live = P([5f], "live");
        frozen.Trainable = false;
        var opt = new Adam([frozen, missing, live], new AdamOptions(LearningRate: 0.1));
        opt.Step(Grads((frozen, [1f, 1f]), (live, [1f])));
        Assert.Equal([1f, 2f], frozen.Value.ToArray());
        Assert.Equal([3f], missing.Value.ToArray());
        Assert.Equal(4.9f, live.Value.ToArray()[0], 5);
    }

    [Fact]
    public void PlainSgdInFloat64IsExact()
    {
        var p = new Parameter(Tensor.FromArray([1.0, -2.0], 2), "w");
        var opt = new Sgd([p], new SgdOptions(LearningRate: 0.5));
        var s = new GradStore();
        s.Set(p.Value, Tensor.FromArray([0.25, 1.0], 2));
        opt.Step(s);
        Assert.Equal([0.875, -2.5], p.Value.ToDoubleArray());
    }

    [Fact]
    public void LearningRateCanBeChangedBetweenSteps()
    {
        var p = P([0f]);
        var opt = new Sgd([p], new SgdOptions(LearningRate: 1));
        opt.Step(Grads((p, [1f])));
        opt.LearningRate = 0.5;
        opt.Step(Grads((p, [1f])));
        Assert.Equal(-1.5f, p.Value.ToArray()[0]);
    }

    [Fact]
    public void StepDoesNotAllocateAfterTheFirst()
    {
        var p = new Parameter(Tensor.Zeros(64, 64), "w");
        var opt = new AdamW([p]);
        var grads = new GradStore();
        grads.Set(p.Value, Tensor.Ones(64, 64));
        opt.Step(grads);
        opt.Step(grads);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) opt.Step(grads);
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        Assert.True(perStep < 256, $"AdamW.Step allocated {perStep} bytes per step; state buffers should be reused.");
    }

    [Fact]
    public void LargeParametersSplitAcrossThreadsMatchSmallOnesElementByElement()
    {
        // One 80k-element parameter takes the parallel path; the same values as 20 small parameters take the serial one.
        const int n = 80_000, parts = 20;
        var rng = new Generator(3);
        var init = Tensor.Randn(new Shape(n), rng).ToArray();
        var grad = Tensor.Randn(new Shape(n), rng).ToArray();
        var big = new Parameter(Tensor.FromArray(init, n), "big");
        var small = Enumerable.Range(0, parts).Select(k => new Parameter(Tensor.FromArray(init[(k * n / parts)..((k + 1) * n / parts)], n / parts), $"s{k}")).ToList();
        var bigOpt = new AdamW([big], new AdamWOptions(LearningRate: 0.01));
        var smallOpt = new AdamW(small, new AdamWOptions(LearningRate: 0.01));
        var bigGrads = new GradStore();
        bigGrads.Set(big.Value, Tensor.FromArray(grad, n));
        var smallGrads = new GradStore();
        for (int k = 0; k < parts; k++) smallGrads.Set(small[k].Value, Tensor.FromArray(grad[(k * n / parts)..((k + 1) * n / parts)], n / parts));
        for (int s = 0; s < 3; s++)
        {
            bigOpt.Step(bigGrads);
            smallOpt.Step(smallGrads);
        }
        Assert.Equal(small.SelectMany(p => p.Value.ToArray()).ToArray(), big.Value.ToArray());
    }

    [Fact]
    public void StateDictRoundTripContinuesIdentically()
    {
        var a = P([1f, -1f, 0.5f]);
        var b = P([1f, -1f, 0.5f]);
        var optA = new Adam([a], new AdamOptions(LearningRate: 0.1));
        var optB = new Adam([b], new AdamOptions(LearningRate: 0.1));
        float[] g1 = [0.3f, -0.2f, 1f], g2 = [-0.1f, 0.4f, 0.2f];
        optA.Step(Grads((a, g1)));
        optB.Step(Grads((b, g1)));
        var restored = new Adam([b], new AdamOptions(LearningRate: 0.1));
        restored.LoadStateDict(optB.StateDict());
        optA.Step(Grads((a, g2)));
        restored.Step(Grads((b, g2)));
        Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
        Assert.Equal(2, restored.StepCount);
    }

    [Fact]
    public void RejectsBadOptionsWithClearErrors()
    {
        var p = P([0f]);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new Sgd([p], new SgdOptions(Nesterov: true))).Message);
        Assert.Contains("Beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], new AdamOptions(Beta1: 1.0))).Message);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new AdamW([])).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new Sgd([p, p])).Message);
    }

    [Fact]
    public void GradientShapeMismatchNamesTheParameter()
    {
        var p = P([0f, 0f], "layer.weight");
        var opt = new Sgd([p]);
        var s = new GradStore();
        s.Set(p.Value, Tensor.Zeros(3));
        Assert.Contains("layer.weight", Assert.Throws<InvalidOperationException>(() => opt.Step(s)).Message);
    }
}
