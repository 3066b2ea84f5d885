using Lepton.Data;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Training.Callbacks;
using Lepton.Training.Metrics;
using Lepton.Training.Tasks;

namespace Lepton.Training.Workflows;

/// <summary>
/// How <see cref="TaskTraining.Run"/> trains: the task (saved in model.json), the Fit options (metrics included),
/// the optimizer by name, and optionally a task object with a non-default loss (e.g. Huber regression).
/// </summary>
public sealed record TaskTrainingOptions(
    TaskSpec Task,
    FitOptions Fit,
    string Optimizer = "adam",
    double LearningRate = 1e-3,
    double WeightDecay = 0,
    double Momentum = 0.9)
{
    /// <summary>The task object to train with; null builds the spec's default (<see cref="TrainingTask.Create(TaskSpec)"/>).</summary>
    public TrainingTask? TrainingTask { get; init; }
}

/// <summary>What <see cref="TaskTraining.Run"/> produced: the trained model, its history, the evaluation and the spec saved with it.</summary>
public sealed record TaskTrainingOutcome(Module Model, TrainingHistory History, ITaskReport? Evaluation, ModelSpec Spec, string? ModelDirectory);

/// <summary>
/// The library entry point for any task: trains a model on an <see cref="InMemoryDataset"/> with a <see cref="TaskSpec"/>,
/// evaluates it with the task's report (on the test set, else the validation set) and, given a folder, saves it with
/// its task, class or target names, and <c>test_</c> metrics in model.json plus <c>evaluation.json</c>.
/// </summary>
public static class TaskTraining
{
    public static TaskTrainingOutcome Run(Module model, InMemoryDataset train, InMemoryDataset? validation, InMemoryDataset? test,
        TaskTrainingOptions options, string? outDir = null, ModelSpec? spec = null, IReadOnlyList<ICallback>? callbacks = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        var task = options.TrainingTask ?? TrainingTask.Create(options.Task);
        if (task.Kind != options.Task.Kind || task.Spec.Threshold != options.Task.Threshold
            || !(task.Spec.TargetNames ?? []).SequenceEqual(options.Task.TargetNames ?? []))
            throw new ArgumentException($"TaskTraining: options.TrainingTask is a {task.Name} task with {task.Spec}, but options.Task is {options.Task}; make them the same.", nameof(options));
        var optimizer = OptimizerFactory.Create(options.Optimizer, model.Parameters(), options.LearningRate, options.WeightDecay, options.Momentum);
        var trainer = new Trainer(model, optimizer, task);
        var history = trainer.Fit(train, validation, options.Fit, callbacks, cancellationToken);

        var held = test ?? validation;
        ITaskReport? evaluation = history.Cancelled || history.Epochs.Count == 0 || held is null ? null : trainer.EvaluateTask(held);
        var metrics = evaluation is null ? new Dictionary<string, double>() : PrefixedMetrics(evaluation, test is not null ? "test_" : "val_");
        if (history.Last is { } last) metrics["train_loss"] = last.TrainLoss;
        var saved = (spec ?? new ModelSpec { Input = new InputSpec("input", [-1, .. train.InputShape.ToArray()]) }) with
        {
            Task = task.Spec,
            ClassNames = spec?.ClassNames is { Count: > 0 } names ? names : train.ClassNames,
            Metrics = metrics,
        };
        if (outDir is not null && !history.Cancelled)
        {
            Directory.CreateDirectory(outDir);
            ModelFile.Save(outDir, model, saved);
            if (evaluation is not null) ModelReports.WriteEvaluation(outDir, evaluation);
        }
        return new TaskTrainingOutcome(model, history, evaluation, saved, outDir);
    }

    /// <summary>A report's finite metrics under <paramref name="prefix"/> (e.g. <c>test_rmse</c>), for model.json and the registry.</summary>
    public static Dictionary<string, double> PrefixedMetrics(ITaskReport report, string prefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        var metrics = new Dictionary<string, double>();
        foreach (var (name, value) in report.Metrics)
            if (double.IsFinite(value)) metrics[prefix + name] = value;
        return metrics;
    }
}
