namespace Lepton.Serving.Models;

/// <summary>Where one loaded (or attempted) model version stands.</summary>
public enum ModelVersionState
{
    /// <summary>Being resolved, loaded or warmed up; not yet taking requests.</summary>
    Loading,

    /// <summary>Warmed up and taking requests.</summary>
    Ready,

    /// <summary>Replaced or unloaded; finishing the requests it already holds, then released.</summary>
    Draining,

    /// <summary>The last attempt to load it failed; see <see cref="ModelVersionStatus.Error"/>.</summary>
    Failed,
}

/// <summary>
/// One version of a served model: its number (null for a folder model), label, state, whether it takes the
/// main or the canary traffic, the requests holding it, and the load error when it failed.
/// </summary>
public sealed record ModelVersionStatus(
    int? Version,
    string VersionLabel,
    ModelVersionState State,
    bool IsPrimary,
    bool IsCanary,
    int ActiveLeases,
    string? Error,
    DateTimeOffset Since);

/// <summary>A served model: its references, canary split, every version it holds or tried to load, and its last error.</summary>
public sealed record ModelStatus(
    string Name,
    string Reference,
    string? CanaryReference,
    double CanaryFraction,
    IReadOnlyList<ModelVersionStatus> Versions,
    string? LastError,
    DateTimeOffset? LastErrorAt)
{
    /// <summary>True when a version takes the main traffic.</summary>
    public bool IsReady => Versions.Any(v => v.IsPrimary && v.State == ModelVersionState.Ready);
}
