namespace Lepton.Compression.Tuning.Sampling;

/// <summary>
/// Options of <see cref="TpeSampler"/>, with Optuna's defaults: random proposals for the first <see cref="StartupTrials"/>
/// trials, <see cref="Candidates"/> draws scored by expected improvement, and the "good" share gamma(n) = min(ceil(0.1 n), 25).
/// </summary>
public sealed record TpeOptions(ulong Seed = 0, int StartupTrials = 10, int Candidates = 24, double Gamma = 0.1, int MaxGood = 25, double PriorWeight = 1.0)
{
    /// <summary>How many of <paramref name="n"/> finished trials count as good.</summary>
    public int GoodCount(int n) => Math.Min((int)Math.Ceiling(Gamma * n), MaxGood);

    public void Validate()
    {
        if (StartupTrials < 1) throw new ArgumentException($"TpeOptions.StartupTrials must be >= 1, got {StartupTrials}.");
        if (Candidates < 1) throw new ArgumentException($"TpeOptions.Candidates must be >= 1, got {Candidates}.");
        if (!(Gamma > 0 && Gamma < 1)) throw new ArgumentException($"TpeOptions.Gamma must lie in (0, 1), got {Gamma}.");
        if (MaxGood < 1) throw new ArgumentException($"TpeOptions.MaxGood must be >= 1, got {MaxGood}.");
        if (!(PriorWeight > 0)) throw new ArgumentException($"TpeOptions.PriorWeight must be > 0, got {PriorWeight}.");
    }
}
