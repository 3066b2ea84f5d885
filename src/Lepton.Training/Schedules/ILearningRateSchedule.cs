namespace Lepton.Training.Schedules;

/// <summary>
/// A learning rate as a function of a step count from 0. Whether a step is a batch or an epoch is
/// chosen by whoever applies the schedule (see <see cref="ScheduleInterval"/>).
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for step <paramref name="step"/> (0 = the first step).</summary>
    double LearningRateAt(int step);
}

/// <summary>When a schedule advances: after every optimizer step (batch) or once per epoch.</summary>
public enum ScheduleInterval
{
    Batch,
    Epoch,
}
