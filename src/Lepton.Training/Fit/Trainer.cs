using System.Diagnostics;
using Lepton.Data;
using Lepton.Engine;
using Lepton.Engine.Memory;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.Training.Callbacks;
using Lepton.Training.Metrics;
using Lepton.Training.Optimizers;
using Lepton.Training.Tasks;

namespace Lepton.Training;

/// <summary>
/// Keras-like training of a model: <see cref="Fit"/> (epochs of seeded mini-batches, validation,
/// callbacks, cancellation between batches), <see cref="Evaluate"/> and <see cref="Predict"/>.
/// The loss maps (logits, targets) to a scalar mean over the batch. Made from a <see cref="TrainingTask"/>, the trainer
/// takes the task's loss, checks targets against it and reports the task's metrics.
/// </summary>
public sealed partial class Trainer
{
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    // Set when the loss is a module the trainer can recognize (planned steps need the default cross-entropy).
    private readonly ILoss? _lossModule;
    // Buffers of one step, reused by the next; trimmed when Fit ends so an idle trainer holds no step memory.
    private readonly TensorPool _pool = new();

    public Trainer(Module model, IOptimizer optimizer, Func<Tensor, Tensor, Tensor> loss, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        Model = model;
        Optimizer = optimizer;
        _loss = loss;
        Options = options ?? new TrainerOptions();
        if (Options.EvalBatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"Trainer: EvalBatchSize must be >= 1, got {Options.EvalBatchSize}.");
    }

    /// <summary>A trainer whose loss is a Lepton.NN loss such as <c>CrossEntropyLoss</c>.</summary>
    public Trainer(Module model, IOptimizer optimizer, ILoss loss, TrainerOptions? options = null)
        : this(model, optimizer, (loss ?? throw new ArgumentNullException(nameof(loss))).Compute, options)
    {
        _lossModule = loss;
    }

    /// <summary>A trainer for a task (multiclass, binary, multi-label, regression): its loss, target checks and default metrics.</summary>
    public Trainer(Module model, IOptimizer optimizer, TrainingTask task, TrainerOptions? options = null)
        : this(model, optimizer, (task ?? throw new ArgumentNullException(nameof(task))).Loss, options)
    {
        Task = task;
        // Planned steps recognize the bare cross-entropy, not the wrapper that checks targets first.
        _lossModule = task is MulticlassTask m ? m.CrossEntropy : task.Loss;
    }

    /// <summary>The task this trainer was made for; null when it was given a bare loss (then accuracy is reported for class-id targets).</summary>
    public TrainingTask? Task { get; }

    public Module Model { get; }

    public IOptimizer Optimizer { get; }

    public TrainerOptions Options { get; }

    /// <summary>
    /// Trains for <c>options.Epochs</c> epochs. Stops cleanly between batches when <paramref name="cancellationToken"/>
    /// fires (the interrupted epoch is not recorded and no epoch-end callback sees it) and after an epoch when a
    /// callback calls <see cref="TrainContext.RequestStop"/>. The model's train/eval mode is restored afterwards.
    /// </summary>
    public TrainingHistory Fit(IDataset train, IDataset? validation, FitOptions options,
        IReadOnlyList<ICallback>? callbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        Validate(train, options);
        CheckTaskTargets(train, "training");
        if (validation is not null && validation.Count > 0) CheckTaskTargets(validation, "validation");
        var metrics = ResolveMetrics(options);
        var all = new List<ICallback>();
        if (options.Schedule is not null) all.Add(new LearningRateScheduler(options.Schedule, options.ScheduleInterval));
        if (callbacks is not null) all.AddRange(callbacks);

        var history = new TrainingHistory();
        _unplannedReason = PlanningRefusal();
        // A step is done with its batch before it takes the next, so the loader can refill the same tensors.
        using var loader = CreateLoader(train, options);
        var ctx = new TrainContext(Model, Optimizer, options, loader.BatchCount, train.Count, validation is not null, history)
        {
            MetricNames = MetricColumns(metrics, validation is not null),
        };
        bool wasTraining = Model.IsTraining;
        var total = Stopwatch.StartNew();
        try
        {
            StartDistributed(options);
            foreach (var cb in all) cb.OnTrainBegin(ctx);
            long globalStep = (long)options.InitialEpoch * loader.BatchCount;
            for (int epoch = options.InitialEpoch + 1; epoch <= options.Epochs; epoch++)
            {
                // Ranks stop together: under a communicator a cancel travels with the next step's gradients instead.
                if (_averager is null && cancellationToken.IsCancellationRequested) { MarkCancelled(history, epoch); break; }
                var record = RunEpoch(epoch, loader, validation, options, metrics, all, ctx, ref globalStep, cancellationToken);
                if (record is null)
                {
                    if (history.StopReason is null) MarkCancelled(history, epoch);
                    break;
                }
                history.Add(record);
                foreach (var cb in all) cb.OnEpochEnd(ctx, record);
                if (ctx.StopTraining)
                {
                    history.StoppedEarly = true;
                    history.StopReason = ctx.StopReason;
                    break;
                }
            }
            history.Steps = globalStep - (long)options.InitialEpoch * loader.BatchCount;
            history.Elapsed = total.Elapsed;
            history.UnplannedReason = _unplannedReason;
            Model.Train(wasTraining);
            foreach (var cb in all) cb.OnTrainEnd(ctx, history);
            return history;
        }
        catch (Exception ex)
        {
            foreach (var cb in all)
            {
                try { cb.OnTrainFailed(ctx, ex); }
                catch (Exception inner) { ex.Data[$"OnTrainFailed:{cb.GetType().Name}"] = inner.Message; }
            }
            throw;
        }
        finally
        {
            Model.Train(wasTraining);
            _pool.Trim();
            _plans.Clear();
            _averager = null;
            _shard = null;
        }
    }

    private static void MarkCancelled(TrainingHistory history, int epoch)
    {
        history.Cancelled = true;
        history.StopReason = $"cancelled during epoch {epoch}";
    }

    private static void Validate(IDataset train, FitOptions options)
    {
        if (options.Epochs < 0) throw new ArgumentOutOfRangeException(nameof(options), $"Fit: Epochs must be >= 0, got {options.Epochs}.");
        if (options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"Fit: BatchSize must be >= 1, got {options.BatchSize}.");
        if (options.InitialEpoch < 0 || options.InitialEpoch > options.Epochs)
            throw new ArgumentOutOfRangeException(nameof(options), $"Fit: InitialEpoch must be in [0, Epochs={options.Epochs}], got {options.InitialEpoch}.");
        if (options.ClipGradNorm is { } c && !(c > 0))
            throw new ArgumentOutOfRangeException(nameof(options), $"Fit: ClipGradNorm must be > 0 (or null for no clipping), got {c}.");
        if (options.ValidationFrequency < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"Fit: ValidationFrequency must be >= 1 (validate every that many epochs), got {options.ValidationFrequency}.");
        if (train.Count == 0) throw new ArgumentException("Fit: the training set is empty.", nameof(train));
        if (options.DropLast && train.Count < options.BatchSize)
            throw new ArgumentException($"Fit: DropLast with BatchSize {options.BatchSize} leaves no batch from {train.Count} examples; lower BatchSize or turn DropLast off.", nameof(options));
    }
}
