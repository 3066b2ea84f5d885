namespace Lepton.Factory.Loop;

/// <summary>
/// How one served version did over a window: traffic, errors, and live accuracy from feedback (null without labels); a
/// regressor's live RMSE instead (<paramref name="Rmse"/>, over <paramref name="Labels"/> labels).
/// </summary>
public sealed record VersionHealth(int Version, long Requests, long Errors, double ErrorRate, int Labels, double? Accuracy, double? Rmse = null)
{
    /// <summary>A regressor trained with another loss: that loss's metric and live value, which the canary is judged by instead of RMSE.</summary>
    public string? LossMetric { get; init; }

    public double? LossValue { get; init; }
}

/// <summary>The champion and the canary side by side over the same window.</summary>
public sealed record CanaryObservation(VersionHealth Champion, VersionHealth Canary, DateTimeOffset From, DateTimeOffset To);

/// <summary>Where the canary's live numbers come from (the monitoring report in production; canned numbers in tests).</summary>
public interface ICanaryObserver
{
    Task<CanaryObservation> ObserveAsync(string model, int championVersion, int canaryVersion, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct = default);
}
