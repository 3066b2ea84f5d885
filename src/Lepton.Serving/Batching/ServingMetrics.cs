using System.Collections.Concurrent;

namespace Lepton.Serving.Batching;

/// <summary>
/// All per-version serving counters of one server, keyed by model and version. Entries stay after a version
/// is unloaded so that Prometheus counters never go backwards while the process lives.
/// </summary>
public sealed class ServingMetrics
{
    private readonly ConcurrentDictionary<(string Model, string Version), VersionMetrics> _versions = new();

    /// <summary>The counters of one model version, created on first use.</summary>
    public VersionMetrics For(string model, string version) =>
        _versions.GetOrAdd((model, version), static key => new VersionMetrics(key.Model, key.Version));

    /// <summary>Every model version seen so far, ordered by model then version.</summary>
    public IReadOnlyList<VersionMetrics> All() =>
        [.. _versions.Values.OrderBy(v => v.Model, StringComparer.Ordinal).ThenBy(v => v.Version, StringComparer.Ordinal)];
}
