namespace Lepton.Compression.Tuning.Sampling;

/// <summary>
/// What a sampler learns from one finished trial: its parameters, how many epochs it got (a stopped trial fewer) and its
/// score there (higher is better). Trials that trained longer rank above those stopped sooner, as Optuna ranks pruned trials.
/// </summary>
public sealed record Observation(int Number, IReadOnlyDictionary<string, double> Parameters, int Epochs, double Value)
{
    /// <summary>Best first: more epochs, then a higher value, then the older trial.</summary>
    public static int Compare(Observation a, Observation b)
    {
        int c = b.Epochs.CompareTo(a.Epochs);
        if (c != 0) return c;
        c = b.Value.CompareTo(a.Value);
        return c != 0 ? c : a.Number.CompareTo(b.Number);
    }
}
