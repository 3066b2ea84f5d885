namespace Lepton.Data;

/// <summary>
/// A dataset whose examples change with the epoch (random augmentation): <see cref="DataLoader"/> tells it the epoch at the
/// start of each enumeration, before any batch of that epoch is gathered.
/// </summary>
public interface IEpochAware
{
    /// <summary>Makes the batches gathered from now on those of <paramref name="epoch"/> (zero-based).</summary>
    void SetEpoch(int epoch);
}
