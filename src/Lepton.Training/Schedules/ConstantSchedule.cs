namespace Lepton.Training.Schedules;

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantSchedule(double learningRate) : ILearningRateSchedule
{
    public double LearningRate { get; } = learningRate;

    public double LearningRateAt(int step) => LearningRate;
}
