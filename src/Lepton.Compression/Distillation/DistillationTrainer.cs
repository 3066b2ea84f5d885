using System.Diagnostics;
using Lepton.Data;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Memory;
using Lepton.NN;
using Lepton.Training;
using Lepton.Training.Metrics;
using Lepton.Training.Optimizers;
using Lepton.Training.Tasks;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Distillation;

/// <summary>
/// Trains a student classifier to match one teacher or an ensemble (the mean of the teachers' softened probabilities) with
/// <see cref="DistillationLoss"/>. Each step runs the teachers in eval mode under <see cref="NoGrad"/> (they give targets and
/// never learn), then the student forward and backward. Validation and evaluation reuse <see cref="Trainer"/>'s multiclass
/// evaluation, so the numbers match <c>lepton train</c>'s.
/// </summary>
public sealed class DistillationTrainer
{
    private readonly IReadOnlyList<Module> _teachers;
    private readonly TensorPool _pool = new();

    public DistillationTrainer(Module student, IReadOnlyList<Module> teachers, DistillationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teachers);
        if (teachers.Count == 0) throw new ArgumentException("Distillation needs at least one teacher model, got none.", nameof(teachers));
        if (teachers.Any(t => ReferenceEquals(t, student)))
            throw new ArgumentException("Distillation: the student cannot be its own teacher; give a separately loaded teacher.", nameof(teachers));
        Student = student;
        _teachers = teachers;
        Options = (options ?? new DistillationOptions()).Validate();
        Loss = new DistillationLoss(Options.LossOptions);
        Optimizer = OptimizerFactory.Create(Options.Optimizer, student.Parameters(), Options.LearningRate, Options.WeightDecay, momentum: 0.9);
        // Evaluation only: the trainer's optimizer is never stepped by it.
        Evaluator = new Trainer(student, Optimizer, new MulticlassTask());
    }

    public Module Student { get; }

    public IReadOnlyList<Module> Teachers => _teachers;

    public DistillationOptions Options { get; }

    public DistillationLoss Loss { get; }

    public IOptimizer Optimizer { get; }

    /// <summary>Evaluates the student (accuracy, loss, per-class report) as <c>lepton train</c> does.</summary>
    public Trainer Evaluator { get; }

    /// <summary>
    /// Trains for <see cref="DistillationOptions.Epochs"/> epochs; after each, validates (when <paramref name="validation"/> is given)
    /// and reports the epoch to <paramref name="onEpoch"/>. Stops between batches when <paramref name="ct"/> fires, keeping the
    /// epochs completed so far.
    /// </summary>
    public IReadOnlyList<EpochRecord> Fit(IDataset train, IDataset? validation = null, Action<EpochRecord>? onEpoch = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("Distillation: the training set is empty.", nameof(train));
        var records = new List<EpochRecord>();
        using var loader = new DataLoader(train, new DataLoaderOptions(Options.BatchSize, Shuffle: true, Options.Seed, RecycleBatches: true));
        var schedule = OptimizerFactory.CreateSchedule(Options.Schedule, Options.LearningRate, Options.Epochs, loader.BatchCount);
        foreach (var t in _teachers) t.Eval();
        bool wasTraining = Student.IsTraining;
        int step = 0;
        try
        {
            for (int epoch = 1; epoch <= Options.Epochs; epoch++)
            {
                Student.Train();
                loader.SetEpoch(epoch - 1);
                var clock = Stopwatch.StartNew();
                double lossSum = 0;
                long correct = 0;
                int samples = 0;
                foreach (var b in loader)
                {
                    ct.ThrowIfCancellationRequested();
                    if (schedule is not null) Optimizer.LearningRate = schedule.LearningRateAt(step);
                    using (_pool.BeginScope())
                    {
                        var targets = TeacherTargets(b.Inputs);
                        var logits = Student.Forward(b.Inputs);
                        var loss = Loss.Compute(logits, targets, b.Targets);
                        double value = loss.Item();
                        if (!double.IsFinite(value))
                            throw new InvalidOperationException(
                                $"Distillation: the loss became {value} at epoch {epoch}; lower the learning rate (--lr) or the temperature.");
                        Optimizer.Step(loss.Backward());
                        lossSum += value * b.Count;
                        correct += RunningAccuracy.CountCorrect(logits, b.Targets);
                    }
                    samples += b.Count;
                    step++;
                }
                double? valLoss = null, valAcc = null;
                if (validation is { Count: > 0 })
                {
                    var report = Evaluator.Evaluate(validation);
                    (valLoss, valAcc) = (report.Loss, report.Accuracy);
                }
                var record = new EpochRecord(epoch, lossSum / samples, (double)correct / samples, valLoss, valAcc, Optimizer.LearningRate,
                    clock.Elapsed, samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), samples);
                records.Add(record);
                onEpoch?.Invoke(record);
            }
        }
        finally
        {
            Student.Train(wasTraining);
            _pool.Trim();
        }
        return records;
    }

    /// <summary>The teachers' softened (and, for an ensemble, averaged) probabilities for a batch, without gradients.</summary>
    // x: (N, ...) → (N, C)
    public Tensor TeacherTargets(Tensor x)
    {
        using var _ = new NoGrad();
        var logits = new Tensor[_teachers.Count];
        for (int i = 0; i < logits.Length; i++) logits[i] = _teachers[i].Forward(x);
        return Loss.SoftTargets(logits);
    }
}
