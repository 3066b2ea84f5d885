using Lepton.Compression.Tuning.Scheduling;

namespace Lepton.Compression.Tuning.Running;

/// <summary>
/// How a study runs: its name and folder (where <c>study.json</c> and the trials' model folders go), how many trials, how
/// many at once, the wall-clock budget (null: none), the sampler and seed, successive halving on epochs, and the metric maximised.
/// </summary>
public sealed record StudyOptions(
    string Name,
    string Directory,
    int Trials = 20,
    int Parallel = 1,
    TimeSpan? Budget = null,
    string Sampler = "tpe",
    ulong Seed = 0,
    SuccessiveHalving? Halving = null,
    string Metric = "val_accuracy")
{
    public SuccessiveHalving Schedule => Halving ?? new SuccessiveHalving();

    public void Validate()
    {
        Lepton.Registry.References.ModelName.Validate(Name, "study name");
        if (Trials < 1) throw new ArgumentException($"--trials must be >= 1, got {Trials}.");
        if (Parallel < 1) throw new ArgumentException($"--parallel must be >= 1, got {Parallel}.");
        if (Budget is { } b && b <= TimeSpan.Zero) throw new ArgumentException($"--budget must be positive, got {b}.");
        _ = Sampling.Samplers.Create(Sampler, Seed);
        Schedule.Validate();
    }
}
