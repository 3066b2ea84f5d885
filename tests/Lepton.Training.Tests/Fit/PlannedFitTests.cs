using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Tests;

/// <summary>
/// Fit runs a Sequential classifier with the default cross-entropy as planned steps: the weights, losses and accuracies
/// it ends with are the same bits as with recorded steps, and whatever cannot be planned is recorded and says why.
/// </summary>
public class PlannedFitTests
{
    // 50 tiny 1x8x8 images in 3 classes: batches of 16 leave a last batch of 2 (a second plan).
    private static InMemoryDataset Images(ulong seed)
    {
        var rng = new Generator(seed);
        const int n = 50;
        var x = Tensor.Randn(new Shape(n, 1, 8, 8), rng);
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.NextInt(3);
        return new InMemoryDataset(x, Tensor.FromArray(y, n), ["a", "b", "c"]);
    }

    private static Sequential Cnn(Module? second = null)
    {
        var rng = new Generator(5);
        var layers = new List<Module>
        {
            new Conv2d(1, 4, 3, new Conv2dOptions(Padding: 1), rng), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Dropout(0.2, rng.Fork()), new Linear(4 * 4 * 4, 3, rng: rng),
        };
        if (second is not null) layers.Insert(1, second);
        return new Sequential(layers);
    }

    private static (TrainingHistory History, float[] Weights) Fit(Sequential model, bool planned, double? clip = null)
    {
        var trainer = new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 0.01)), new CrossEntropyLoss(),
            new TrainerOptions(PlannedSteps: planned));
        var history = trainer.Fit(Images(1), Images(2), new FitOptions(Epochs: 2, BatchSize: 16, Seed: 3, ClipGradNorm: clip));
        return (history, ToyModels.Weights(model));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.05)]
    public void PlannedFitEndsWithTheSameBitsAsRecordedSteps(double? clip)
    {
        var (planned, plannedWeights) = Fit(Cnn(), planned: true, clip);
        var (recorded, recordedWeights) = Fit(Cnn(), planned: false, clip);

        Assert.Equal(8, planned.Steps);
        Assert.Equal(planned.Steps, planned.PlannedSteps);
        Assert.Null(planned.UnplannedReason);
        Assert.Equal(0, recorded.PlannedSteps);
        Assert.Equal(recordedWeights, plannedWeights);
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(recorded.Epochs[e].TrainLoss, planned.Epochs[e].TrainLoss);
            Assert.Equal(recorded.Epochs[e].TrainAccuracy, planned.Epochs[e].TrainAccuracy);
            Assert.Equal(recorded.Epochs[e].ValidationLoss, planned.Epochs[e].ValidationLoss);
        }
    }

    [Fact]
    public void ALayerWithoutAPlannedFormIsRecordedAndNamed()
    {
        var (history, _) = Fit(Cnn(new LayerNorm([4, 8, 8])), planned: true);
        Assert.Equal(0, history.PlannedSteps);
        Assert.Equal(8, history.Steps);
        Assert.Equal("layer 1 (LayerNorm) has no planned form", history.UnplannedReason);
    }

    [Fact]
    public void AnotherLossIsRecordedAndNamed()
    {
        var model = Cnn();
        var trainer = new Trainer(model, new Sgd(model.Parameters()), new CrossEntropyLoss(new CrossEntropyOptions(LabelSmoothing: 0.1)));
        var history = trainer.Fit(Images(1), null, new FitOptions(Epochs: 1, BatchSize: 16));
        Assert.Equal(0, history.PlannedSteps);
        Assert.Contains("not the default cross-entropy", history.UnplannedReason);
    }
}

/// <summary>A whole training step (planned forward and backward, then Adam) allocates nothing on the managed heap once warm.</summary>
[Collection(AllocationCollection.Name)]
public class PlannedStepAllocationTests
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void AStepWithAdamAllocatesNothing(string preset)
    {
        var model = Lepton.NN.Presets.ModelPresets.Build(preset, rng: new Generator(1));
        var step = Lepton.NN.Planned.PlannedTrainingStep.TryCreate(model, new Shape(8, 1, 28, 28), out var reason);
        Assert.True(step is not null, reason);
        var adam = new Adam(model.Parameters());
        var x = Tensor.Randn(new Shape(8, 1, 28, 28), new Generator(2));
        var y = Tensor.FromArray(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, 8);
        for (int i = 0; i < 3; i++) adam.Step(Run(step!, x, y));
        Assert.Equal(0, Lepton.Tests.Shared.AllocationProbe.FewestBytes(() => adam.Step(Run(step!, x, y))));
    }

    private static Lepton.Engine.Autograd.GradStore Run(Lepton.NN.Planned.PlannedTrainingStep step, Tensor x, Tensor y)
    {
        step.Run(x, y);
        return step.Gradients;
    }
}

/// <summary>Trainer.Fit as a whole (batches, planned steps, Adam, metrics) allocates almost nothing per step once warm.</summary>
[Collection(AllocationCollection.Name)]
public class FitAllocationTests
{
    [Fact]
    public void FitAllocatesAlmostNothingPerStep()
    {
        var rng = new Generator(4);
        const int n = 64 * 40;
        var x = Tensor.Randn(new Shape(n, 1, 28, 28), rng);
        var ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = i % 10;
        var data = new InMemoryDataset(x, Tensor.FromArray(ids, n));
        var model = Lepton.NN.Presets.ModelPresets.Build("mlp", rng: rng);
        var trainer = new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss());
        // Synchronous loading: every allocation of a step happens on this thread, where it is counted.
        var options = new FitOptions(Epochs: 1, BatchSize: 64, Prefetch: 0, LogEvery: 0);
        trainer.Fit(data, null, options);
        long Allocated(int epochs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var history = trainer.Fit(data, null, options with { Epochs = epochs });
            Assert.Equal(history.Steps, history.PlannedSteps);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        // Two more epochs (80 steps) on top of what every Fit allocates once (plan buffers, loader slots, history).
        long perStep = (Allocated(3) - Allocated(1)) / 80;
        // Each epoch's permutation of 2,560 indices (10 KB) and its enumerator, spread over 40 steps.
        Assert.InRange(perStep, 0, 400);
    }
}
