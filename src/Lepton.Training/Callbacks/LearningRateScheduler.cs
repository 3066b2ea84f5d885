using Lepton.Training.Schedules;

namespace Lepton.Training.Callbacks;

/// <summary>Sets the optimizer's learning rate from a schedule before each batch (global step) or each epoch (epoch index from 0).</summary>
public sealed class LearningRateScheduler(ILearningRateSchedule schedule, ScheduleInterval interval = ScheduleInterval.Batch) : ICallback
{
    public ILearningRateSchedule Schedule { get; } = schedule ?? throw new ArgumentNullException(nameof(schedule));

    public ScheduleInterval Interval { get; } = interval;

    public void OnEpochBegin(TrainContext context, int epoch)
    {
        if (Interval == ScheduleInterval.Epoch) context.Optimizer.LearningRate = Schedule.LearningRateAt(epoch - 1);
    }

    public void OnBatchBegin(TrainContext context, int epoch, int batch, long globalStep)
    {
        if (Interval == ScheduleInterval.Batch) context.Optimizer.LearningRate = Schedule.LearningRateAt((int)Math.Min(globalStep, int.MaxValue));
    }
}
