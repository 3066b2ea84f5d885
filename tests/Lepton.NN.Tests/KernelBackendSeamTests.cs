using System.Runtime.CompilerServices;
using Lepton.Engine;
using Lepton.Engine.Backends;
using Lepton.Engine.Kernels;
using Lepton.NN.Layers;
using Lepton.NN.Planned;

namespace Lepton.NN.Tests;

/// <summary>
/// Planned layers reach their kernels only through Backend.Current: a backend that counts and forwards to the CPU one
/// sees every seam method used, and the step gives the same bits as with the CPU backend itself.
/// </summary>
[Collection(AllocationCollection.Name)] // swaps the process-wide backend: runs alone
public class KernelBackendSeamTests
{
    private static Sequential Build()
    {
        var rng = new Generator(21);
        return new Sequential(
            new Conv2d(2, 4, 3, new Conv2dOptions(Padding: 1), rng), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
            new Conv2d(4, 4, 3, new Conv2dOptions(Stride: 2, Padding: 1), rng), new Tanh(), new MaxPool2d(3, new MaxPool2dOptions(Stride: 1, Padding: 1)),
            new AvgPool2d(2), new LeakyReLU(0.2), new Conv2d(4, 3, 1, rng: rng), new GELU(), new AdaptiveAvgPool2d(1, 1),
            new Flatten(), new Linear(3, 6, rng: rng), new Sigmoid(), new BatchNorm1d(6), new Linear(6, 4, rng: rng));
    }

    [Fact]
    public void PlannedStep_CallsEverySeamMethod_AndMatchesTheCpuBackendBitForBit()
    {
        var shape = new Shape(4, 2, 12, 12);
        var x = Tensor.Randn(shape, new Generator(3));
        var y = Tensor.FromArray(new[] { 0, 3, 1, 2 });

        var directModel = Build();
        var seamedModel = Build();
        var direct = PlannedTrainingStep.TryCreate(directModel, shape, out var reason);
        Assert.True(direct is not null, reason);
        var counting = new CountingBackend(CpuBackend.Instance);
        PlannedTrainingStep? seamed;
        float loss1, loss2;
        try
        {
            Backend.Current = counting;
            seamed = PlannedTrainingStep.TryCreate(seamedModel, shape, out reason);
            Assert.True(seamed is not null, reason);
            loss2 = seamed!.Run(x, y);
        }
        finally
        {
            Backend.Current = CpuBackend.Instance;
        }
        loss1 = direct!.Run(x, y);

        Assert.Equal(loss1, loss2);
        Assert.Equal(direct.Logits.ToArray(), seamed.Logits.ToArray());
        var dp = directModel.Parameters().ToArray();
        var sp = seamedModel.Parameters().ToArray();
        for (int i = 0; i < dp.Length; i++)
            Assert.Equal(direct.Gradients[dp[i].Value]!.ToArray(), seamed.Gradients[sp[i].Value]!.ToArray());
        var seen = counting.Calls.Keys.Order().ToArray();
        var all = typeof(IKernelBackend).GetMethods().Select(m => m.Name).Where(n => !n.StartsWith("get_")).Order().ToArray();
        Assert.Equal(all, seen);
        Assert.Equal(3, counting.Calls["Conv2dForward"]);
        Assert.Equal(4, counting.Calls["ActivationForward"]); // Tanh, LeakyReLU, GELU, Sigmoid; the ReLU runs fused into its 2x2 pool
    }

    /// <summary>Counts each seam method and forwards it to another backend.</summary>
    private sealed class CountingBackend(IKernelBackend inner) : IKernelBackend
    {
        public Dictionary<string, int> Calls { get; } = [];

        private IKernelBackend Count([CallerMemberName] string name = "")
        {
            Calls[name] = Calls.GetValueOrDefault(name) + 1;
            return inner;
        }

        public string Name => "counting(" + inner.Name + ")";
        public void LinearForward(Tensor x, Tensor w, Tensor? b, Tensor y, int rows, int i, int o) => Count().LinearForward(x, w, b, y, rows, i, o);
        public void LinearBackward(Tensor x, Tensor w, Tensor gy, Tensor? gx, Tensor? gw, Tensor? gb, int rows, int i, int o) => Count().LinearBackward(x, w, gy, gx, gw, gb, rows, i, o);
        public void Conv2dForward(Tensor x, Tensor w, Tensor? b, ConvGeometry g, Tensor y) => Count().Conv2dForward(x, w, b, g, y);
        public void Conv2dBackward(Tensor x, Tensor w, Tensor gy, ConvGeometry g, Tensor? gx, Tensor? gw, Tensor? gb) => Count().Conv2dBackward(x, w, gy, g, gx, gw, gb);
        public bool MaxPoolFusesRelu(PoolGeometry g) => Count().MaxPoolFusesRelu(g);
        public void MaxPool2dForward(Tensor x, PoolGeometry g, Tensor y, Tensor argmax, bool relu) => Count().MaxPool2dForward(x, g, y, argmax, relu);
        public void MaxPool2dBackward(Tensor gy, PoolGeometry g, Tensor argmax, Tensor gx, Tensor? reluInput) => Count().MaxPool2dBackward(gy, g, argmax, gx, reluInput);
        public void AvgPool2dForward(Tensor x, PoolGeometry g, Tensor y) => Count().AvgPool2dForward(x, g, y);
        public void AvgPool2dBackward(Tensor gy, PoolGeometry g, Tensor gx) => Count().AvgPool2dBackward(gy, g, gx);
        public void AdaptiveAvgPool2dForward(Tensor x, int p, int h, int w, int oh, int ow, Tensor y) => Count().AdaptiveAvgPool2dForward(x, p, h, w, oh, ow, y);
        public void AdaptiveAvgPool2dBackward(Tensor gy, int p, int h, int w, int oh, int ow, Tensor gx) => Count().AdaptiveAvgPool2dBackward(gy, p, h, w, oh, ow, gx);
        public void BatchNormForward(Tensor x, BatchNormGeometry g, Tensor? w, Tensor? b, Tensor? rm, Tensor? rv, bool bs, double m, double e, Tensor y, Tensor mean, Tensor invstd) =>
            Count().BatchNormForward(x, g, w, b, rm, rv, bs, m, e, y, mean, invstd);
        public void BatchNormBackward(Tensor x, Tensor gy, BatchNormGeometry g, Tensor? w, Tensor mean, Tensor invstd, bool bs, Tensor? gx, Tensor? gw, Tensor? gb) =>
            Count().BatchNormBackward(x, gy, g, w, mean, invstd, bs, gx, gw, gb);
        public void ActivationForward(Activation f, double slope, Tensor x, Tensor y) => Count().ActivationForward(f, slope, x, y);
        public void ActivationBackward(Activation f, double slope, Tensor x, Tensor y, Tensor gy, Tensor gx) => Count().ActivationBackward(f, slope, x, y, gy, gx);
        public float LogSoftmaxNll(Tensor logits, int rows, int classes, ReadOnlySpan<int> targets, Tensor logp) => Count().LogSoftmaxNll(logits, rows, classes, targets, logp);
        public void NllSoftmaxBackward(Tensor logp, int rows, int classes, ReadOnlySpan<int> targets, float scale, Tensor gx) => Count().NllSoftmaxBackward(logp, rows, classes, targets, scale, gx);
    }
}
