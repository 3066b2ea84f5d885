using Lepton.NN.Losses;
using Lepton.Training.Callbacks;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Tests.Callbacks;

public sealed class EarlyStoppingTests
{
    [Fact]
    public void StopsAfterPatienceWithoutImprovement()
    {
        var model = ToyModels.Mlp();
        var trainer = new Trainer(model, new Sgd(model.Parameters(), new SgdOptions(LearningRate: 0)), new CrossEntropyLoss());
        var stopper = new EarlyStopping(new EarlyStoppingOptions(Monitor: "loss", Patience: 1, MinDelta: 1e-6));
        var history = trainer.Fit(ToyModels.XorBlobs(64, 1), null, new FitOptions(Epochs: 10, BatchSize: 16), [stopper]);
        Assert.Equal(3, history.Epochs.Count);
        Assert.True(history.StoppedEarly);
        Assert.False(history.Cancelled);
        Assert.Contains("early stopping", history.StopReason);
        Assert.Equal(1, stopper.BestEpoch);
        Assert.Equal(3, stopper.StoppedEpoch);
    }

    [Fact]
    public void RestoresTheWeightsOfTheBestEpoch()
    {
        var model = ToyModels.Mlp();
        var optimizer = new Sgd(model.Parameters());
        var history = new TrainingHistory();
        var ctx = new TrainContext(model, optimizer, new FitOptions(), 1, 1, true, history);
        var stopper = new EarlyStopping(new EarlyStoppingOptions(Monitor: "val_accuracy", Patience: 1));
        stopper.OnTrainBegin(ctx);

        Epoch(1, valAcc: 0.9);
        var best = ToyModels.Weights(model);
        foreach (var p in model.Parameters()) p.Assign(p.Value.Add(1.0));
        Epoch(2, valAcc: 0.8);
        Assert.False(ctx.StopTraining);
        Epoch(3, valAcc: 0.85);
        Assert.True(ctx.StopTraining);
        stopper.OnTrainEnd(ctx, history);

        Assert.Equal(best, ToyModels.Weights(model));
        Assert.Equal(0.9, stopper.BestValue);

        void Epoch(int e, double valAcc)
        {
            var r = new EpochRecord(e, 1.0, 0.5, 1.0, valAcc, 0.1, TimeSpan.FromSeconds(1), 100, 100);
            history.Add(r);
            stopper.OnEpochEnd(ctx, r);
        }
    }

    [Fact]
    public void MonitoringValidationWithoutValidationSetSaysSo()
    {
        var model = ToyModels.Mlp();
        var trainer = new Trainer(model, new Sgd(model.Parameters()), new CrossEntropyLoss());
        var ex = Assert.Throws<InvalidOperationException>(() =>
            trainer.Fit(ToyModels.XorBlobs(32, 1), null, new FitOptions(Epochs: 2), [new EarlyStopping()]));
        Assert.Contains("validation set", ex.Message);
    }
}
