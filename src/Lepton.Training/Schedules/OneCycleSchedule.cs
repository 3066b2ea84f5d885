namespace Lepton.Training.Schedules;

/// <summary>Options of <see cref="OneCycleSchedule"/>, defaulted as <c>torch.optim.lr_scheduler.OneCycleLR</c> (cosine annealing).</summary>
public sealed record OneCycleOptions(
    double PctStart = 0.3,
    double DivFactor = 25,
    double FinalDivFactor = 1e4,
    bool CosineAnneal = true);

/// <summary>
/// The one-cycle policy: warm up from <c>max/DivFactor</c> to <c>max</c> over the first
/// <c>PctStart</c> of the steps, then anneal to <c>initial/FinalDivFactor</c> (PyTorch's two-phase OneCycleLR).
/// </summary>
public sealed class OneCycleSchedule : ILearningRateSchedule
{
    private readonly double _warmupEnd;
    private readonly double _lastStep;

    public OneCycleSchedule(double maxLearningRate, int totalSteps, OneCycleOptions? options = null)
    {
        Options = options ?? new OneCycleOptions();
        if (totalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), $"OneCycleSchedule: totalSteps must be > 0, got {totalSteps}.");
        if (Options.PctStart is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(options), $"OneCycleSchedule: PctStart must be in (0, 1), got {Options.PctStart}.");
        MaxLearningRate = maxLearningRate;
        TotalSteps = totalSteps;
        InitialLearningRate = maxLearningRate / Options.DivFactor;
        MinLearningRate = InitialLearningRate / Options.FinalDivFactor;
        // Phase boundaries exactly as torch computes them (float(pct_start * total_steps) - 1, total_steps - 1).
        _warmupEnd = Options.PctStart * totalSteps - 1;
        _lastStep = totalSteps - 1;
    }

    public OneCycleOptions Options { get; }

    public double MaxLearningRate { get; }

    public int TotalSteps { get; }

    public double InitialLearningRate { get; }

    public double MinLearningRate { get; }

    public double LearningRateAt(int step)
    {
        if (step < 0) step = 0;
        if (step <= _warmupEnd)
            return Anneal(InitialLearningRate, MaxLearningRate, step / _warmupEnd);
        double pct = Math.Min((step - _warmupEnd) / (_lastStep - _warmupEnd), 1.0);
        return Anneal(MaxLearningRate, MinLearningRate, pct);
    }

    private double Anneal(double start, double end, double pct) => Options.CosineAnneal
        ? end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;
}
