using Lepton.Registry;
using Lepton.Runtime;
using Lepton.Runtime.Ensembles;

namespace Lepton.Serving.Models;

/// <summary>
/// The predictor kinds a registry can serve: <see cref="PredictorLoader.Default"/>'s, plus ensembles whose members are materialized
/// (verified by their artifact hash) from this registry.
/// </summary>
public static class RegistryPredictors
{
    /// <summary><paramref name="baseLoader"/> (default <see cref="PredictorLoader.Default"/>) with the ensemble kind, members loaded by <paramref name="baseLoader"/>.</summary>
    public static PredictorLoader Create(ModelRegistry registry, PredictorLoader? baseLoader = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var members = baseLoader ?? PredictorLoader.Default;
        // Loading is synchronous (it runs on a loader thread, never on a request), so the materialization is waited for here.
        return members.With(new EnsembleModelKind(m => registry.Packages.MaterializeAsync(m.Artifact).GetAwaiter().GetResult(), members));
    }
}
