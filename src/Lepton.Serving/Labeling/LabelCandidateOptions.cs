namespace Lepton.Serving.Labeling;

/// <summary>
/// Which served images are kept for labeling: single-image predictions whose uncertainty (1 - margin between the two most
/// probable classes) is at least <paramref name="MinUncertainty"/>, of at most <paramref name="MaxImageBytes"/> bytes; at
/// most <paramref name="MaxPerModel"/> are kept per model (the most uncertain), and at most <paramref name="Capacity"/> wait
/// to be written (more are dropped and counted, never waited for).
/// </summary>
public sealed record LabelCandidateOptions(double MinUncertainty = 0.5, int MaxPerModel = 500, int MaxImageBytes = 1024 * 1024, int Capacity = 64)
{
    public void Validate()
    {
        if (!(MinUncertainty is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(MinUncertainty), $"MinUncertainty must be 0..1, got {MinUncertainty}.");
        if (MaxPerModel is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(MaxPerModel), $"MaxPerModel must be 1..100000, got {MaxPerModel}.");
        if (MaxImageBytes < 1 || MaxImageBytes > Registry.Store.SqlRegistryStore.MaxCandidateImageBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxImageBytes), $"MaxImageBytes must be 1..{Registry.Store.SqlRegistryStore.MaxCandidateImageBytes}, got {MaxImageBytes}.");
        if (Capacity is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(Capacity), $"Capacity must be 1..100000, got {Capacity}.");
    }
}
