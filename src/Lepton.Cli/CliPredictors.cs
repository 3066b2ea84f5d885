using Lepton.Registry;
using Lepton.Runtime;
using Lepton.Runtime.Ensembles;
using Lepton.Serving.Models;

namespace Lepton.Cli;

/// <summary>Loads a model folder for offline use: any kind the runtime knows, and an ensemble with its members from the registry.</summary>
public static class CliPredictors
{
    public static IPredictor Load(string folder, string? store = null)
    {
        if (!File.Exists(Path.Combine(folder, EnsembleFile.FileName))) return PredictorLoader.Default.Load(folder);
        // The registry is needed only while the members are materialized; loaded members live in memory.
        var registry = ModelRegistry.OpenAsync(store).GetAwaiter().GetResult();
        try
        {
            return RegistryPredictors.Create(registry).Load(folder);
        }
        finally
        {
            registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
