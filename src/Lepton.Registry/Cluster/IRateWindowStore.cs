namespace Lepton.Registry.Cluster;

/// <summary>
/// Request budgets per key and fixed time window, shared by every replica on the store, so a rate limit holds per key across
/// replicas. A replica claims the budget in small blocks and spends each block locally, so most requests never wait on the store.
/// </summary>
public interface IRateWindowStore
{
    /// <summary>
    /// Takes up to <paramref name="wanted"/> of the <paramref name="limit"/> requests <paramref name="key"/> may make in the window
    /// [<paramref name="windowStartMs"/>, <paramref name="windowEndMs"/>) (Unix milliseconds) and returns how many it got: 0 once
    /// the window's budget is spent. Grants over all replicas never add up to more than the limit.
    /// </summary>
    Task<int> ClaimAsync(string key, long windowStartMs, long windowEndMs, int wanted, int limit, CancellationToken ct);
}
