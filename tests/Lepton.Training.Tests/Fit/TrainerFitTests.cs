using Lepton.Engine;
using Lepton.NN.Losses;
using Lepton.Training.Callbacks;
using Lepton.Training.Optimizers;
using Lepton.Training.Schedules;

namespace Lepton.Training.Tests.Fit;

/// <summary>End-to-end Fit on a small XOR-of-blobs problem that a linear model cannot solve.</summary>
public sealed class TrainerFitTests
{
    private static readonly Lepton.Data.InMemoryDataset Train = ToyModels.XorBlobs(400, seed: 1);
    private static readonly Lepton.Data.InMemoryDataset Test = ToyModels.XorBlobs(200, seed: 2);

    private static Trainer MakeTrainer(ulong modelSeed, double lr)
    {
        var model = ToyModels.Mlp(modelSeed);
        return new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: lr)), new CrossEntropyLoss());
    }

    [Fact]
    public void MlpLearnsXorBlobsWithValidation()
    {
        var trainer = MakeTrainer(7, 0.05);
        var history = trainer.Fit(Train, Test, new FitOptions(Epochs: 25, BatchSize: 32, Seed: 3));

        Assert.Equal(25, history.Epochs.Count);
        Assert.False(history.Cancelled);
        Assert.Equal(25 * 13, history.Steps);
        var last = history.Last!;
        Assert.True(last.TrainAccuracy > 0.95, $"train accuracy {last.TrainAccuracy}");
        Assert.True(last.ValidationAccuracy > 0.95, $"validation accuracy {last.ValidationAccuracy}");
        Assert.True(last.TrainLoss < history.Epochs[0].TrainLoss);
        Assert.True(last.SamplesPerSecond > 0);
        Assert.Equal(400, last.Samples);

        var report = trainer.Evaluate(Test);
        Assert.Equal(last.ValidationAccuracy!.Value, report.Accuracy, 12);
        Assert.Equal(last.ValidationLoss!.Value, report.Loss!.Value, 5);
        Assert.Equal(["same", "opposite"], report.ClassNames);
        Assert.True(report.RocAucMacro > 0.97);
        Assert.True(trainer.Model.IsTraining, "Fit restores the model's previous mode");
    }

    [Fact]
    public void ValidationFrequencyValidatesEveryNthEpochAndTheLast()
    {
        var trainer = MakeTrainer(7, 0.05);
        var history = trainer.Fit(Train, Test, new FitOptions(Epochs: 5, BatchSize: 32, Seed: 3, ValidationFrequency: 2));
        Assert.Equal([false, true, false, true, true], history.Epochs.Select(e => e.ValidationLoss is not null).ToArray());
        Assert.Equal([false, true, false, true, true], history.Epochs.Select(e => e.ValidationAccuracy is not null).ToArray());
        // Skipping validation does not touch training: the same weights as validating every epoch.
        var every = MakeTrainer(7, 0.05);
        every.Fit(Train, Test, new FitOptions(Epochs: 5, BatchSize: 32, Seed: 3));
        Assert.Equal(ToyModels.Weights(every.Model), ToyModels.Weights(trainer.Model));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MakeTrainer(7, 0.05).Fit(Train, Test, new FitOptions(Epochs: 1, ValidationFrequency: 0)));
        Assert.Contains("ValidationFrequency must be >= 1", ex.Message);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeights()
    {
        float[] Run(ulong seed)
        {
            var t = MakeTrainer(7, 0.05);
            t.Fit(Train, null, new FitOptions(Epochs: 3, BatchSize: 16, Seed: seed));
            return ToyModels.Weights(t.Model);
        }
        var a = Run(11);
        var b = Run(11);
        Assert.Equal(a, b);
        Assert.NotEqual(a, Run(12));
    }

    [Fact]
    public void ScheduleIsAppliedPerBatchAndRecorded()
    {
        var trainer = MakeTrainer(7, 0.05);
        var schedule = new OneCycleSchedule(0.05, totalSteps: 4 * 13);
        var history = trainer.Fit(Train, null, new FitOptions(Epochs: 4, BatchSize: 32, Schedule: schedule, ClipGradNorm: 1.0));
        Assert.Equal(schedule.LearningRateAt(4 * 13 - 1), trainer.Optimizer.LearningRate, 15);
        Assert.Equal(schedule.LearningRateAt(13 - 1), history.Epochs[0].LearningRate, 15);
        Assert.Null(history.Epochs[0].ValidationLoss);
    }

    [Fact]
    public void EpochScheduleChangesRateOncePerEpoch()
    {
        var trainer = MakeTrainer(7, 1);
        var history = trainer.Fit(Train, null, new FitOptions(Epochs: 3, BatchSize: 64,
            Schedule: new StepSchedule(0.1, stepSize: 1, gamma: 0.5), ScheduleInterval: ScheduleInterval.Epoch));
        Assert.Equal([0.1, 0.05, 0.025], history.Epochs.Select(e => e.LearningRate).ToArray());
    }

    [Fact]
    public void PredictIsBatchedInEvalModeWithoutGradients()
    {
        var model = ToyModels.Mlp();
        var trainer = new Trainer(model, new Sgd(model.Parameters()), new CrossEntropyLoss(), new TrainerOptions(EvalBatchSize: 7));
        var inputs = Test.Inputs.Slice(0, 0, 20).Contiguous();
        var batched = trainer.Predict(inputs);
        Assert.Equal(new Shape(20, 2), batched.Shape);
        Assert.False(batched.RequiresGrad);
        Assert.Equal(model.Forward(inputs).ToArray(), batched.ToArray());
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void NonFiniteLossStopsBeforeTheStep()
    {
        var model = ToyModels.Mlp();
        var before = ToyModels.Weights(model);
        var trainer = new Trainer(model, new Sgd(model.Parameters()), (logits, _) => logits.Sum().Mul(double.NaN));
        var history = trainer.Fit(Train, null, new FitOptions(Epochs: 2));
        Assert.True(history.StoppedEarly);
        Assert.False(history.Cancelled);
        Assert.Contains("NaN", history.StopReason);
        Assert.Empty(history.Epochs);
        Assert.Equal(before, ToyModels.Weights(model));
    }

    [Fact]
    public void RegressionTargetsTrainWithoutAccuracy()
    {
        var rng = new Generator(5);
        var x = Tensor.Rand(new Shape(128, 2), rng, -1, 1);
        var y = x.Matmul(Tensor.FromArray([2f, -3f], 2, 1)).Add(0.5).Contiguous();
        var data = new Lepton.Data.InMemoryDataset(x, y);
        var model = new Lepton.NN.Sequential(new Lepton.NN.Layers.Linear(2, 1, rng: new Generator(1)));
        var trainer = new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 0.1)), new MSELoss());
        var history = trainer.Fit(data, data, new FitOptions(Epochs: 40, BatchSize: 32));
        Assert.Null(history.Last!.TrainAccuracy);
        Assert.Null(history.Last!.ValidationAccuracy);
        var m = trainer.EvaluateRegression(data);
        Assert.True(m.Rmse < 0.05, $"RMSE {m.Rmse}");
        Assert.Throws<InvalidOperationException>(() => trainer.Evaluate(data));
    }

    [Fact]
    public void BadOptionsAreRejectedWithTheirName()
    {
        var trainer = MakeTrainer(7, 0.05);
        Assert.Contains("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Train, null, new FitOptions(BatchSize: 0))).Message);
        Assert.Contains("ClipGradNorm", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Train, null, new FitOptions(ClipGradNorm: -1))).Message);
    }
}
