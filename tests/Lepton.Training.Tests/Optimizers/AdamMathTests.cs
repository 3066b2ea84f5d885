using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Threading;
using Lepton.NN;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Tests.Optimizers;

/// <summary>The SIMD Adam update against its scalar reference, and the fused all-parameter pass against per-parameter updates.</summary>
public sealed class AdamMathTests
{
    // Lengths around the 256- and 512-bit widths (float and double) exercise the vector loops and the scalar tail.
    public static TheoryData<int, double, double> Cases => new()
    {
        { 1, 0, 0 }, { 7, 0, 0 }, { 15, 0.01, 0 }, { 16, 0, 0.01 }, { 17, 0, 0 }, { 33, 0.01, 0 }, { 1000, 0, 0.1 }, { 4099, 0, 0 },
    };

    private static T[] Gaussian<T>(int n, ulong seed, double scale) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Generator(seed);
        var x = new T[n];
        for (int i = 0; i < n; i++) x[i] = T.CreateTruncating(rng.NextGaussian() * scale);
        return x;
    }

    private static void SameBitsAsReference<T>(int n, double l2, double decoupled) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var p = Gaussian<T>(n, 1, 1);
        var m = Gaussian<T>(n, 2, 0.1);
        // The second moment is a running mean of squares: never negative.
        var v = Gaussian<T>(n, 3, 0.01).Select(T.Abs).ToArray();
        var g = Gaussian<T>(n, 4, 1);
        if (n > 5) { g[1] = T.Zero; v[1] = T.Zero; m[1] = T.Zero; }
        var (p2, m2, v2) = ((T[])p.Clone(), (T[])m.Clone(), (T[])v.Clone());
        for (long step = 1; step <= 3; step++)
        {
            AdamMath.Update<T>(p, g, m, v, step, 1e-3, 0.9, 0.999, 1e-8, l2, decoupled);
            AdamMath.UpdateReference<T>(p2, g, m2, v2, step, 1e-3, 0.9, 0.999, 1e-8, l2, decoupled);
        }
        Assert.Equal(p2, p);
        Assert.Equal(m2, m);
        Assert.Equal(v2, v);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimdUpdateHasTheReferenceBitsInFloat32(int n, double l2, double decoupled) => SameBitsAsReference<float>(n, l2, decoupled);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimdUpdateHasTheReferenceBitsInFloat64(int n, double l2, double decoupled) => SameBitsAsReference<double>(n, l2, decoupled);

    // Parameters of awkward sizes around the pass's 4096-element blocks, trained on 1 and 2 threads and one by one.
    [Fact]
    public void FusedPassMatchesEachParameterAloneOnAnyThreadCount()
    {
        int[] sizes = [300_000, 7, 4096, 1, 5000, 10, 65_537];
        float[][] Run(int threads, bool together)
        {
            var rng = new Generator(11);
            var ps = sizes.Select((n, k) => new Parameter(Tensor.Randn(new Shape(n), rng), $"p{k}")).ToList();
            var grads = sizes.Select(n => Tensor.Randn(new Shape(n), rng)).ToList();
            var opts = together
                ? [new Adam(ps, new AdamOptions(LearningRate: 0.01))]
                : ps.Select(p => new Adam([p], new AdamOptions(LearningRate: 0.01))).ToList();
            int saved = CpuParallel.ThreadCount;
            CpuParallel.ThreadCount = threads;
            try
            {
                for (int s = 0; s < 3; s++)
                {
                    var store = new GradStore();
                    // Parameter 3 misses a step: its own step count, and so its bias correction, stays behind.
                    for (int k = 0; k < ps.Count; k++)
                        if (!(k == 3 && s == 1)) store.Set(ps[k].Value, grads[k].Mul(s + 1));
                    foreach (var o in opts) o.Step(store);
                }
            }
            finally { CpuParallel.ThreadCount = saved; }
            return ps.Select(p => p.Value.ToArray()).ToArray();
        }
        var alone = Run(1, together: false);
        Assert.Equal(alone, Run(1, together: true));
        Assert.Equal(alone, Run(2, together: true));
        Assert.Equal(alone, Run(3, together: true));
    }

    [Fact]
    public void AThrowingStepLeavesParametersAndBiasCorrectionsUntouched()
    {
        Parameter[] Make() => [new(Tensor.FromArray([1f, 2f], 2), "a"), new(Tensor.FromArray([3f], 1), "b")];
        GradStore Grads(Parameter[] ps, int bLength)
        {
            var s = new GradStore();
            s.Set(ps[0].Value, Tensor.FromArray([0.5f, -1f], 2));
            s.Set(ps[1].Value, Tensor.Ones(bLength));
            return s;
        }
        var (tried, fresh) = (Make(), Make());
        var (optTried, optFresh) = (new Adam(tried), new Adam(fresh));
        Assert.Throws<InvalidOperationException>(() => optTried.Step(Grads(tried, bLength: 2)));
        Assert.Equal([1f, 2f], tried[0].Value.ToArray());
        optTried.Step(Grads(tried, bLength: 1));
        optFresh.Step(Grads(fresh, bLength: 1));
        Assert.Equal(fresh[0].Value.ToArray(), tried[0].Value.ToArray());
        Assert.Equal(fresh[1].Value.ToArray(), tried[1].Value.ToArray());
    }
}
