namespace Lepton.Registry.Labeling;

/// <summary>
/// Bounds of the labeling queue: at most <paramref name="MaxQueue"/> entries are returned, at most
/// <paramref name="MaxCandidates"/> served predictions are read into one queue, and scoring items with a model stops after
/// <paramref name="MaxScored"/> items (the rest keep path order), so a huge data set never turns one page view into an epoch.
/// </summary>
public sealed record LabelingOptions(int MaxQueue = 10_000, int MaxCandidates = 2_000, int MaxScored = 5_000)
{
    public void Validate()
    {
        if (MaxQueue is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(MaxQueue), $"MaxQueue must be 1..1000000, got {MaxQueue}.");
        if (MaxCandidates is < 0 or > 100_000) throw new ArgumentOutOfRangeException(nameof(MaxCandidates), $"MaxCandidates must be 0..100000, got {MaxCandidates}.");
        if (MaxScored is < 0 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(MaxScored), $"MaxScored must be 0..1000000, got {MaxScored}.");
    }
}
