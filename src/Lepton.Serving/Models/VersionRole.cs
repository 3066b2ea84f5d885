namespace Lepton.Serving.Models;

/// <summary>Which traffic a loaded version takes for its model.</summary>
internal enum VersionRole
{
    /// <summary>Requests that name no version (minus the canary's share).</summary>
    Primary,

    /// <summary>The canary's share of requests that name no version.</summary>
    Canary,
}
