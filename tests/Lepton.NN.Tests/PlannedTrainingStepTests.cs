using Lepton.Engine;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.NN.Planned;
using Lepton.NN.Presets;

namespace Lepton.NN.Tests;

/// <summary>
/// A planned training step gives the same bits as the recorded ops (loss, logits, every parameter gradient) on the
/// presets and on awkward layer mixes, refuses what it cannot plan with a reason, and allocates nothing per step.
/// </summary>
[Collection(AllocationCollection.Name)]
public class PlannedTrainingStepTests
{
    public static TheoryData<string, int[]> Models => new()
    {
        { "mlp", [5, 1, 28, 28] },
        { "cnn", [3, 1, 28, 28] },
        { "mixed", [4, 3, 11, 9] },
        { "frozen-first", [2, 1, 28, 28] },
        { "dropout-eval", [3, 3, 11, 9] },
        { "activations", [3, 2, 12, 10] },
    };

    // Two identical models (same seeds, so the same weights and dropout generators) for the two paths.
    private static Sequential Build(string name)
    {
        var rng = new Generator(7);
        switch (name)
        {
            case "mixed":
                // Stride-2 and grouped convolutions (the im2col path), a ReLU followed by a pool that cannot fuse (3x3),
                // a bare ReLU, dropout, no bias.
                return new Sequential(
                    new Conv2d(3, 6, 3, new Conv2dOptions(Stride: 2, Padding: 1), rng), new ReLU(), new MaxPool2d(3, new MaxPool2dOptions(Stride: 1)),
                    new Conv2d(6, 4, 1, new Conv2dOptions(Groups: 2, Bias: false), rng), new ReLU(),
                    new Flatten(), new Dropout(0.3, rng.Fork()), new Linear(4 * 4 * 3, 7, rng: rng));
            case "bn1d":
                // BatchNorm1d on (N,C) without affine parameters after the first trainable layer, and with them later.
                return new Sequential(new Flatten(), new Linear(30, 8, rng: rng), new BatchNorm1d(8, new BatchNormOptions(Affine: false)),
                    new ReLU(), new Linear(8, 6, rng: rng), new BatchNorm1d(6, new BatchNormOptions(Momentum: 0.3)), new Linear(6, 4, rng: rng));
            case "bn-eval":
                // Eval normalizes with the running statistics; a first BatchNorm2d whose input needs no gradient.
                return new Sequential(new BatchNorm2d(3), new Conv2d(3, 4, 3, rng: rng), new BatchNorm2d(4), new ReLU(),
                    new Flatten(), new Linear(4 * 5 * 3, 3, rng: rng));
            case "dropout-eval":
                return new Sequential(new Conv2d(3, 2, 3, rng: rng), new Flatten(), new Dropout(0.5, rng.Fork()), new Linear(2 * 9 * 7, 4, rng: rng));
            case "activations":
                // Every other planned activation and the average poolings, with values on both sides of zero.
                return new Sequential(
                    new Conv2d(2, 4, 3, new Conv2dOptions(Padding: 1), rng), new Tanh(), new AvgPool2d(2),
                    new Conv2d(4, 4, 3, new Conv2dOptions(Padding: 1), rng), new LeakyReLU(0.1), new AvgPool2d(3, new AvgPool2dOptions(Stride: 2, Padding: 1)),
                    new Conv2d(4, 3, 1, rng: rng), new GELU(), new AdaptiveAvgPool2d(2, 3),
                    new Flatten(), new Linear(3 * 2 * 3, 5, rng: rng), new Sigmoid(), new Linear(5, 4, rng: rng));
            case "frozen-first":
                var m = ModelPresets.Build("cnn", rng: rng);
                foreach (var p in m[0].Parameters()) p.Trainable = false;
                return m;
            default:
                return ModelPresets.Build(name, rng: rng);
        }
    }

    private static (Tensor X, Tensor Y) Batch(int[] shape, int classes, int seed)
    {
        var rng = new Generator((ulong)seed);
        var ids = new int[shape[0]];
        for (int i = 0; i < ids.Length; i++) ids[i] = (i * 7 + seed) % classes;
        return (Tensor.Randn(new Shape(shape), rng), Tensor.FromArray(ids, ids.Length));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void StepsEqualTheRecordedOpsBitForBit(string name, int[] inputShape)
    {
        var recorded = Build(name);
        var planned = Build(name);
        if (name.EndsWith("-eval"))
        {
            recorded.Eval();
            planned.Eval();
        }
        var step = PlannedTrainingStep.TryCreate(planned, new Shape(inputShape), out var reason);
        Assert.True(step is not null, reason);
        var classes = recorded.Summary(inputShape)[^1].OutputShape[1];
        var names = recorded.NamedParameters().Select(p => p.Name).ToArray();
        // Three steps with a plain SGD update in between: dropout masks keep matching and buffers are reused correctly.
        for (int s = 0; s < 3; s++)
        {
            var (x, y) = Batch(inputShape, classes, s);
            var logits = recorded.Forward(x);
            var loss = CrossEntropyLoss.Apply(logits, y);
            var grads = loss.Backward();
            float plannedLoss = step!.Run(x, y);

            Assert.Equal(loss.Item(), plannedLoss);
            Assert.Equal(logits.ToArray(), step.Logits.ToArray());
            var rp = recorded.NamedParameters().ToArray();
            var pp = planned.NamedParameters().ToArray();
            for (int i = 0; i < rp.Length; i++)
            {
                var expected = grads[rp[i].Parameter.Value];
                var actual = step.Gradients[pp[i].Parameter.Value];
                if (expected is null)
                {
                    Assert.Null(actual);
                    continue;
                }
                Assert.True(actual is not null, $"no planned gradient for {names[i]}");
                Assert.Equal(expected.ToArray(), actual!.ToArray());
                Sgd(rp[i].Parameter, expected);
                Sgd(pp[i].Parameter, actual);
            }
            Assert.Equal(RecordedCorrect(logits, y), step.CountCorrect());
            // Batch norm's running statistics and batch counters moved alike.
            var rb = recorded.NamedBuffers().ToArray();
            var pb = planned.NamedBuffers().ToArray();
            Assert.Equal(rb.Length, pb.Length);
            for (int i = 0; i < rb.Length; i++)
            {
                Assert.Equal(rb[i].Name, pb[i].Name);
                Assert.Equal(rb[i].Buffer.ToDoubleArray(), pb[i].Buffer.ToDoubleArray());
            }
        }
    }

    private static void Sgd(Parameter p, Tensor g)
    {
        var v = p.Value.Span<float>();
        var d = g.Span<float>();
        for (int i = 0; i < v.Length; i++) v[i] -= 0.05f * d[i];
    }

    private static int RecordedCorrect(Tensor logits, Tensor y)
    {
        var l = logits.ToArray();
        var ids = y.ToIntArray();
        int c = logits.Shape[1], correct = 0;
        for (int r = 0; r < ids.Length; r++)
        {
            int best = 0;
            for (int j = 1; j < c; j++) if (l[r * c + j] > l[r * c + best]) best = j;
            if (best == ids[r]) correct++;
        }
        return correct;
    }

    [Theory]
    [InlineData("mlp", 16)]
    [InlineData("cnn", 8)]
    [InlineData("cnn-bn", 8)]
    public void AStepAllocatesNothing(string preset, int batch)
    {
        var model = ModelPresets.Build(preset, rng: new Generator(1));
        var shape = new Shape(batch, 1, 28, 28);
        var step = PlannedTrainingStep.TryCreate(model, shape, out var reason)!;
        Assert.True(step is not null, reason);
        var (x, y) = Batch(shape.ToArray(), 10, 1);
        for (int i = 0; i < 3; i++) step.Run(x, y);
        Assert.Equal(0, Lepton.Tests.Shared.AllocationProbe.FewestBytes(() => step.Run(x, y)));
    }

    [Fact]
    public void WhatCannotBePlannedIsRefusedWithAReason()
    {
        var norm = new Sequential(new Flatten(), new Linear(4, 3), new LayerNorm(3), new Linear(3, 2));
        Assert.Null(PlannedTrainingStep.TryCreate(norm, new Shape(2, 4), out var reason));
        Assert.Equal("layer 2 (LayerNorm) has no planned form", reason);

        var frozen = new Sequential(new Linear(4, 2));
        foreach (var p in frozen.Parameters()) p.Trainable = false;
        Assert.Null(PlannedTrainingStep.TryCreate(frozen, new Shape(2, 4), out reason));
        Assert.Equal("the model has no trainable parameter", reason);

        var shared = new Linear(3, 3);
        Assert.Null(PlannedTrainingStep.TryCreate(new Sequential(shared, new ReLU(), shared), new Shape(2, 3), out reason));
        Assert.Equal("parameter '2.weight' is shared by more than one layer", reason);

        var wide = new Sequential(new Linear(4, 2));
        Assert.Null(PlannedTrainingStep.TryCreate(wide, new Shape(2, 3, 4), out reason));
        Assert.Contains("not (N, classes)", reason);

        // A shape error is the layer's own, as a forward pass would raise it.
        var ex = Assert.Throws<ArgumentException>(() => PlannedTrainingStep.TryCreate(new Sequential(new Linear(4, 2)), new Shape(2, 5), out _));
        Assert.Contains("Linear(in_features=4)", ex.Message);
    }

    [Fact]
    public void BadBatchesAndChangedParametersAreRefused()
    {
        var model = ModelPresets.Build("mlp", rng: new Generator(2));
        var step = PlannedTrainingStep.TryCreate(model, new Shape(4, 1, 28, 28), out _)!;
        var (x, y) = Batch([4, 1, 28, 28], 10, 3);

        var wrongShape = Assert.Throws<ArgumentException>(() => step.Run(Tensor.Zeros(3, 1, 28, 28), y));
        Assert.Contains("plan another step", wrongShape.Message);
        var badClass = Assert.Throws<ArgumentException>(() => step.Run(x, Tensor.FromArray(new[] { 0, 1, 10, 2 }, 4)));
        Assert.Contains("target class 10 is out of range for 10 classes", badClass.Message);
        var floatTargets = Assert.Throws<ArgumentException>(() => step.Run(x, Tensor.Zeros(4)));
        Assert.Contains("Int32 class indices", floatTargets.Message);

        Assert.True(step.Fits(new Shape(4, 1, 28, 28)));
        model.Parameters().First().Trainable = false;
        Assert.False(step.Fits(new Shape(4, 1, 28, 28)));
        Assert.Throws<InvalidOperationException>(() => step.Run(x, y));
    }
}
