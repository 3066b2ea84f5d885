using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Layers;
using Lepton.NN.Planned;

namespace Lepton.NN.Tests;

/// <summary>Batch-norm modes: batch statistics and running-statistic updates in training, running statistics in eval.</summary>
[Collection(AllocationCollection.Name)]
public class BatchNormTests
{
    [Fact]
    public void TrainingNormalizesWithBatchStatisticsAndUpdatesRunningStats()
    {
        var bn = new BatchNorm1d(1);
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f, 6f }, 4, 1);
        var y = bn.Forward(x).ToDoubleArray();
        // mean 3, biased var 3.5, unbiased var 14/3.
        Assert.Equal((1 - 3) / Math.Sqrt(3.5 + 1e-5), y[0], 5);
        Assert.Equal(0.1 * 3, bn.RunningMean!.ToDoubleArray()[0], 6);
        Assert.Equal(0.9 + 0.1 * 14.0 / 3, bn.RunningVar!.ToDoubleArray()[0], 6);
        Assert.Equal(1, bn.NumBatchesTracked);
        bn.Forward(x);
        Assert.Equal(2, bn.NumBatchesTracked);
        Assert.Equal(0.9 * 0.3 + 0.1 * 3, bn.RunningMean!.ToDoubleArray()[0], 6);
    }

    [Fact]
    public void EvalUsesRunningStatisticsAndDoesNotUpdateThem()
    {
        var bn = new BatchNorm2d(2);
        bn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["running_mean"] = Tensor.FromArray(new[] { 1f, -1f }, 2),
            ["running_var"] = Tensor.FromArray(new[] { 4f, 0.25f }, 2),
            ["weight"] = Tensor.FromArray(new[] { 2f, 1f }, 2),
            ["bias"] = Tensor.FromArray(new[] { 0.5f, 0f }, 2),
        }, strict: false);
        bn.Eval();
        var x = Tensor.Full(new Shape(1, 2, 1, 1), 3);
        using var _ = new NoGrad();
        var y = bn.Forward(x).ToDoubleArray();
        Assert.Equal(2 * (3 - 1) / Math.Sqrt(4 + 1e-5) + 0.5, y[0], 5);
        Assert.Equal((3 + 1) / Math.Sqrt(0.25 + 1e-5), y[1], 4);
        Assert.Equal(0, bn.NumBatchesTracked);
        Assert.Equal([1f, -1f], bn.RunningMean!.ToArray());
    }

    [Fact]
    public void StateDictUsesPyTorchNamesAndInt32Counter()
    {
        var names = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2)).StateDict();
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"], names.Keys.ToArray());
        Assert.Equal(DType.Int32, names["1.num_batches_tracked"].DType);
        Assert.Equal(0, names["1.num_batches_tracked"].Rank);
    }

    [Fact]
    public void TrainingWithOneValuePerChannelIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3)));
        Assert.Contains("more than one value per channel", e.Message);
    }

    [Fact]
    public void APlannedStepThroughBatchNormAllocatesNothing()
    {
        // 4 channels of 32·28·28 values: enough work for the kernels to split across threads.
        var rng = new Generator(3);
        var model = new Sequential(new BatchNorm2d(4), new ReLU(), new Flatten(), new Linear(4 * 28 * 28, 10, rng: rng));
        var shape = new Shape(32, 4, 28, 28);
        var step = PlannedTrainingStep.TryCreate(model, shape, out var reason);
        Assert.True(step is not null, reason);
        var x = Tensor.Randn(shape, rng);
        var y = Tensor.FromArray(Enumerable.Range(0, 32).Select(i => i % 10).ToArray(), 32);
        for (int i = 0; i < 3; i++) step!.Run(x, y);
        Assert.Equal(0, Lepton.Tests.Shared.AllocationProbe.FewestBytes(() => step!.Run(x, y), steps: 10));
        Assert.Equal(33, ((BatchNorm2d)model[0]).NumBatchesTracked);
    }
}
