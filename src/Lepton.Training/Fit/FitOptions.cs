using Lepton.Training.Metrics;
using Lepton.Training.Schedules;

namespace Lepton.Training;

/// <summary>
/// How <see cref="Trainer.Fit"/> runs: epochs, batching and shuffling (seeded), optional gradient-norm
/// clipping and learning-rate schedule, how often (in batches) running metrics reach the callbacks, and the metrics
/// measured each epoch (null: the trainer's task's defaults; for a multiclass task, accuracy). LoaderWorkers gathers that
/// many batches at once in the background (for datasets that decode or augment, e.g. ImageDataset; see DataLoaderOptions.Workers).
/// Communicator, when set, trains data-parallel: every rank reads its part of each global batch of BatchSize examples and the
/// gradients are averaged over the ranks before each step (see Trainer.Distributed.cs).
/// ValidationFrequency validates every that many epochs (and always after the last one); the epochs between record no
/// validation values.
/// </summary>
public sealed record FitOptions(
    int Epochs = 10,
    int BatchSize = 64,
    ulong Seed = 0,
    bool Shuffle = true,
    double? ClipGradNorm = null,
    ILearningRateSchedule? Schedule = null,
    ScheduleInterval ScheduleInterval = ScheduleInterval.Batch,
    int LogEvery = 1,
    bool DropLast = false,
    int Prefetch = 2,
    int InitialEpoch = 0,
    IReadOnlyList<IMetric>? Metrics = null,
    int LoaderWorkers = 1,
    Distributed.ICommunicator? Communicator = null,
    int ValidationFrequency = 1);

/// <summary>
/// Options fixed for a <see cref="Trainer"/>: the batch size of validation, evaluation and prediction passes, and whether
/// a Sequential classifier trained with the default cross-entropy runs planned steps (<c>Lepton.NN.Planned.PlannedTrainingStep</c>:
/// the same values, no allocation per step); off, every step records its ops.
/// </summary>
public sealed record TrainerOptions(int EvalBatchSize = 256, bool PlannedSteps = true);
