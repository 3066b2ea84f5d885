namespace Lepton.Training.Schedules;

/// <summary>Multiplies the rate by <c>Gamma</c> every <c>StepSize</c> steps, as <c>torch.optim.lr_scheduler.StepLR</c>.</summary>
public sealed class StepSchedule : ILearningRateSchedule
{
    public StepSchedule(double baseLearningRate, int stepSize, double gamma = 0.1)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), $"StepSchedule: stepSize must be > 0, got {stepSize}.");
        BaseLearningRate = baseLearningRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    public double BaseLearningRate { get; }

    public int StepSize { get; }

    public double Gamma { get; }

    public double LearningRateAt(int step) => BaseLearningRate * Math.Pow(Gamma, Math.Max(step, 0) / StepSize);
}
