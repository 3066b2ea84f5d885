using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Training.Callbacks;
using Lepton.Training.Metrics;
using Lepton.Training.Optimizers;
using Lepton.Training.Tasks;
using Lepton.Training.Workflows;

namespace Lepton.Training.Tests.Tasks;

/// <summary>Binary, multi-label and regression models train through Fit with their own losses and metrics, and keep their task on disk.</summary>
public sealed class TaskFitTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-task-fit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static Sequential Mlp(int inputs, int outputs, ulong seed)
    {
        var rng = new Generator(seed);
        return new Sequential(new Linear(inputs, 16, rng: rng), new ReLU(), new Linear(16, outputs, rng: rng));
    }

    private static Trainer MakeTrainer(Module model, TrainingTask task, double lr = 0.02) =>
        new(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: lr)), task);

    [Fact]
    public void Binary_SeparableBlobs_LearnsWithItsOwnMetrics()
    {
        var trainer = MakeTrainer(Mlp(2, 1, 3), new BinaryTask());
        var history = trainer.Fit(TaskData.Blobs(300, 1), TaskData.Blobs(200, 2), new FitOptions(Epochs: 12, BatchSize: 32, Seed: 4));

        var first = history.Epochs[0];
        var last = history.Last!;
        Assert.True(last.TrainLoss < first.TrainLoss * 0.5, $"loss {first.TrainLoss} -> {last.TrainLoss}");
        Assert.True(last.ValidationAccuracy > 0.9, $"val accuracy {last.ValidationAccuracy}");
        Assert.True(last.Get("val_f1") > 0.9, $"val f1 {last.Get("val_f1")}");
        Assert.True(last.Get("val_roc_auc") > 0.95, $"val roc_auc {last.Get("val_roc_auc")}");
        Assert.Equal(last.ValidationLoss!.Value, last.Get("val_log_loss")!.Value, 4);
        // Planned steps train multiclass cross-entropy only; the history says why these steps were recorded.
        Assert.Equal(0, history.PlannedSteps);
        Assert.Contains("binary", history.UnplannedReason);

        var report = Assert.IsType<BinaryReport>(trainer.EvaluateTask(TaskData.Blobs(200, 2)));
        Assert.Equal(last.ValidationAccuracy!.Value, report.Accuracy, 12);
        Assert.Equal(last.Get("val_roc_auc")!.Value, report.RocAuc, 12);
        Assert.Equal("yes", report.PositiveName);
        Assert.Equal(200, report.TrueNegatives + report.FalsePositives + report.FalseNegatives + report.TruePositives);
        // The multiclass Evaluate points to the task's own report.
        Assert.Contains("EvaluateTask", Assert.Throws<InvalidOperationException>(() => trainer.Evaluate(TaskData.Blobs(20, 3))).Message);
    }

    [Fact]
    public void MultiLabel_ThreeIndependentLabels_LearnsMicroF1()
    {
        var trainer = MakeTrainer(Mlp(4, 3, 5), new MultiLabelTask());
        var history = trainer.Fit(TaskData.MultiHot(400, 1), TaskData.MultiHot(200, 2), new FitOptions(Epochs: 15, BatchSize: 32, Seed: 4));

        var last = history.Last!;
        Assert.True(last.TrainLoss < history.Epochs[0].TrainLoss * 0.6, $"loss {history.Epochs[0].TrainLoss} -> {last.TrainLoss}");
        Assert.True(last.Get("val_f1_micro") > 0.9, $"val f1_micro {last.Get("val_f1_micro")}");
        Assert.True(last.Get("val_f1_macro") > 0.85, $"val f1_macro {last.Get("val_f1_macro")}");
        Assert.True(last.ValidationAccuracy > 0.7, $"val subset accuracy {last.ValidationAccuracy}");

        var report = Assert.IsType<MultiLabelReport>(trainer.EvaluateTask(TaskData.MultiHot(200, 2)));
        Assert.Equal(last.Get("val_f1_micro")!.Value, report.MicroAverage.F1, 12);
        Assert.Equal(["first", "second", "sum"], report.Labels.Select(l => l.Name));
        Assert.True(report.HammingLoss < 0.1, $"hamming {report.HammingLoss}");
    }

    [Fact]
    public void Regression_LinearTargets_ReachesHighR2AndEarlyStoppingMonitorsValRmse()
    {
        var model = new Sequential(new Linear(3, 2, rng: new Generator(6)));
        var trainer = MakeTrainer(model, new RegressionTask(), lr: 0.05);
        var stopper = new EarlyStopping(new EarlyStoppingOptions(Monitor: "val_rmse", Patience: 2, MinDelta: 1e-4));
        var csv = Path.Combine(_root, "log.csv");
        var history = trainer.Fit(TaskData.Linear(300, 1), TaskData.Linear(100, 2), new FitOptions(Epochs: 40, BatchSize: 16, Seed: 2),
            [stopper, new CsvLogger(csv)]);

        var last = history.Last!;
        Assert.True(last.TrainLoss < history.Epochs[0].TrainLoss * 0.1, $"loss {history.Epochs[0].TrainLoss} -> {last.TrainLoss}");
        Assert.True(last.Get("val_r2") > 0.95, $"val r2 {last.Get("val_r2")}");
        Assert.Null(last.TrainAccuracy);
        // RMSE improves downwards: the best epoch is the one with the lowest value.
        Assert.Equal(history.Epochs.Min(e => e.Get("val_rmse")!.Value), history.Best("val_rmse")!.Get("val_rmse"));
        Assert.Equal(stopper.BestValue, history.Best("val_rmse")!.Get("val_rmse"));

        var lines = File.ReadAllLines(csv);
        Assert.Equal(CsvLogger.Header + ",mae,rmse,r2,val_mae,val_rmse,val_r2", lines[0]);
        Assert.Equal(history.Epochs.Count + 1, lines.Length);
        Assert.Contains("val_rmse", EpochLine.Format(last, 40));

        var report = Assert.IsType<RegressionReport>(trainer.EvaluateTask(TaskData.Linear(100, 2)));
        Assert.True(report.Targets.All(t => t.R2 > 0.95), string.Join(", ", report.Targets.Select(t => t.R2)));
    }

    [Fact]
    public void Multiclass_TaskTrainer_KeepsPlannedStepsAndTheClassicRecord()
    {
        var model = ToyModels.Mlp(7);
        var trainer = MakeTrainer(model, new MulticlassTask(), lr: 0.05);
        var history = trainer.Fit(ToyModels.XorBlobs(400, 1), ToyModels.XorBlobs(200, 2), new FitOptions(Epochs: 5, BatchSize: 32, Seed: 3));
        Assert.Equal(history.Steps, history.PlannedSteps);
        Assert.Empty(history.Last!.Metrics);
        Assert.NotNull(history.Last.ValidationAccuracy);
        Assert.DoesNotContain("f1", EpochLine.Format(history.Last, 5));
    }

    [Fact]
    public void Fit_ExtraMetricsForMulticlass_AppearByNameBesideAccuracy()
    {
        var model = ToyModels.Mlp(7);
        var trainer = MakeTrainer(model, new MulticlassTask(), lr: 0.05);
        var metrics = new IMetric[] { new AccuracyMetric(TaskSpec.Multiclass), new F1Metric(TaskSpec.Multiclass), new LogLossMetric(TaskSpec.Multiclass) };
        var history = trainer.Fit(ToyModels.XorBlobs(400, 1), ToyModels.XorBlobs(200, 2), new FitOptions(Epochs: 3, BatchSize: 32, Seed: 3, Metrics: metrics));
        var last = history.Last!;
        Assert.Equal(["f1", "log_loss", "val_f1", "val_log_loss"], last.Metrics.Keys);
        // Validation runs in eval mode over the whole set, so its log-loss is the validation loss.
        Assert.Equal(last.ValidationLoss!.Value, last.Get("val_log_loss")!.Value, 5);
        Assert.Equal(history.Steps, history.PlannedSteps);
    }

    [Fact]
    public void Fit_MetricsOfPlannedSteps_SameBitsAsRecordedSteps()
    {
        // Planned steps hand their logits to the metrics; the values must be those of the recorded path.
        IReadOnlyDictionary<string, double> Run(bool planned)
        {
            var model = ToyModels.Mlp(7);
            var trainer = new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 0.05)), new MulticlassTask(),
                new TrainerOptions(PlannedSteps: planned));
            var metrics = new IMetric[] { new F1Metric(TaskSpec.Multiclass), new LogLossMetric(TaskSpec.Multiclass), new RocAucMetric(TaskSpec.Multiclass) };
            var history = trainer.Fit(ToyModels.XorBlobs(100, 1), null, new FitOptions(Epochs: 2, BatchSize: 16, Seed: 3, Metrics: metrics));
            Assert.Equal(planned ? history.Steps : 0, history.PlannedSteps);
            return history.Last!.Metrics;
        }

        var planned = Run(planned: true);
        Assert.Equal(["f1", "log_loss", "roc_auc"], planned.Keys);
        Assert.Equal(Run(planned: false), planned);
    }

    [Fact]
    public void Fit_TargetsOfAnotherTask_FailBeforeTheFirstStep()
    {
        var trainer = MakeTrainer(Mlp(2, 1, 3), new RegressionTask());
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(ToyModels.XorBlobs(40, 1), null, new FitOptions(Epochs: 1)));
        Assert.StartsWith("Fit (training set): Regression task:", error.Message);
        Assert.Equal(0, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void EarlyStopping_MonitorsAMetricThisFitDoesNotMeasure_FailsAtTrainBegin()
    {
        var trainer = MakeTrainer(Mlp(2, 1, 3), new BinaryTask());
        var stopper = new EarlyStopping(new EarlyStoppingOptions(Monitor: "val_rmse"));
        var error = Assert.Throws<InvalidOperationException>(() =>
            trainer.Fit(TaskData.Blobs(40, 1), TaskData.Blobs(20, 2), new FitOptions(Epochs: 1), [stopper]));
        Assert.Contains("val_rmse", error.Message);
        Assert.Contains("val_roc_auc", error.Message);
    }

    [Theory]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.MultiLabel)]
    [InlineData(TaskKind.Regression)]
    public void TaskTraining_SaveThenLoad_KeepsTheTaskAndItsMetrics(TaskKind kind)
    {
        var (train, test, outputs, spec) = kind switch
        {
            TaskKind.Binary => (TaskData.Blobs(120, 1), TaskData.Blobs(60, 2), 1, new TaskSpec(TaskKind.Binary, Threshold: 0.6)),
            TaskKind.MultiLabel => (TaskData.MultiHot(120, 1), TaskData.MultiHot(60, 2), 3, new TaskSpec(TaskKind.MultiLabel, Threshold: 0.4)),
            _ => (TaskData.Linear(120, 1), TaskData.Linear(60, 2), 2, new TaskSpec(TaskKind.Regression, TargetNames: ["y", "z"])),
        };
        var dir = Path.Combine(_root, kind.ToString());
        int inputs = train.InputShape[0];
        var outcome = TaskTraining.Run(Mlp(inputs, outputs, 9), train, null, test,
            new TaskTrainingOptions(spec, new FitOptions(Epochs: 3, BatchSize: 16, Seed: 1), LearningRate: 0.02), dir);

        var loaded = ModelFile.Load(dir);
        Assert.Equal(kind, loaded.Spec.Task.Kind);
        Assert.Equal(spec.Threshold, loaded.Spec.Task.Threshold);
        Assert.Equal(spec.TargetNames ?? [], loaded.Spec.Task.TargetNames ?? []);
        Assert.Equal(train.ClassNames, loaded.Spec.ClassNames);
        Assert.NotNull(outcome.Evaluation);
        Assert.Equal(kind, outcome.Evaluation!.Kind);
        string headline = kind switch { TaskKind.Binary => "test_roc_auc", TaskKind.MultiLabel => "test_f1_micro", _ => "test_rmse" };
        Assert.Equal(outcome.Evaluation.Metrics[headline["test_".Length..]], loaded.Spec.Metrics[headline], 9);
        Assert.True(File.Exists(Path.Combine(dir, ModelReports.EvaluationFileName)));
        // The loaded weights give the same outputs the evaluation saw.
        var x = test.Inputs;
        using (new Lepton.Engine.Autograd.NoGrad())
            Assert.Equal(outcome.Model.Forward(x).ToArray(), loaded.Model.Forward(x).ToArray());
    }
}
