using Lepton.Registry;
using Lepton.Registry.References;
using Lepton.Registry.Store;

namespace Lepton.Training.Workflows;

/// <summary>What <c>--data</c> names when it is a data set version in the store, so <c>lepton train</c> can pick the modality's workflow.</summary>
public static class DatasetVersionProbe
{
    /// <summary>The version <paramref name="data"/> names (NAME or NAME@V), or null for Fashion-MNIST, a folder, or anything the store does not hold.</summary>
    public static async Task<DatasetVersion?> TryResolveAsync(ModelRegistry registry, string data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (Directory.Exists(data) || string.Equals(data, "fashion-mnist", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            return await DatasetReference.Parse(data).ResolveAsync(registry.Store, ct);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null; // not a data set reference: the network path reports what is wrong with it
        }
    }
}
