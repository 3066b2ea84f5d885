namespace Lepton.Training.Schedules;

/// <summary>
/// Ramps linearly from <c>StartFactor</c> times the inner schedule's first rate up to that rate over
/// <c>WarmupSteps</c> steps, then follows the inner schedule from its step 0 (torch's LinearLR then
/// the inner scheduler, as SequentialLR chains them).
/// </summary>
public sealed class LinearWarmupSchedule : ILearningRateSchedule
{
    public LinearWarmupSchedule(ILearningRateSchedule inner, int warmupSteps, double startFactor = 0.1)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"LinearWarmupSchedule: warmupSteps must be >= 0, got {warmupSteps}.");
        if (startFactor is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(startFactor), $"LinearWarmupSchedule: startFactor must be in [0, 1], got {startFactor}.");
        Inner = inner;
        WarmupSteps = warmupSteps;
        StartFactor = startFactor;
    }

    public ILearningRateSchedule Inner { get; }

    public int WarmupSteps { get; }

    public double StartFactor { get; }

    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps)
        {
            double factor = StartFactor + (1 - StartFactor) * Math.Max(step, 0) / WarmupSteps;
            return Inner.LearningRateAt(0) * factor;
        }
        return Inner.LearningRateAt(step - WarmupSteps);
    }
}
