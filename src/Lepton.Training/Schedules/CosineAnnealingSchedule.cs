namespace Lepton.Training.Schedules;

/// <summary>
/// Half a cosine from the base rate down to <c>EtaMin</c> over <c>TMax</c> steps, then held at
/// <c>EtaMin</c> (the closed form of <c>torch.optim.lr_scheduler.CosineAnnealingLR</c>, without restarts).
/// </summary>
public sealed class CosineAnnealingSchedule : ILearningRateSchedule
{
    public CosineAnnealingSchedule(double baseLearningRate, int tMax, double etaMin = 0)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), $"CosineAnnealingSchedule: tMax must be > 0, got {tMax}.");
        BaseLearningRate = baseLearningRate;
        TMax = tMax;
        EtaMin = etaMin;
    }

    public double BaseLearningRate { get; }

    public int TMax { get; }

    public double EtaMin { get; }

    public double LearningRateAt(int step)
    {
        int t = Math.Clamp(step, 0, TMax);
        return EtaMin + (BaseLearningRate - EtaMin) * (1 + Math.Cos(Math.PI * t / TMax)) / 2;
    }
}
