using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;

namespace Lepton.Registry.Labeling;

/// <summary>
/// The registry's image data sets as labeling reads them. Until image import lands in this build, opening them explains that
/// data sets are made by lepton data import; the CLI and the server take them through this one factory.
/// </summary>
public static class LabelingDatasets
{
    public static ILabelingDatasets Open(IRegistryStore store, IArtifactStore artifacts) => new NotYetImported();

    private sealed class NotYetImported : ILabelingDatasets
    {
        public Task<LabelingDataset> LoadAsync(string name, int? version, CancellationToken ct = default) =>
            throw new NotSupportedException($"Image data set '{name}' cannot be read by this build: labeling reads data sets recorded by lepton data import.");

        public Task<int> RecordLabelledAsync(string name, int parentVersion, Data.Images.Datasets.ImageManifest manifest, string actor, CancellationToken ct = default) =>
            throw new NotSupportedException($"Image data set '{name}' cannot be written by this build: labeling records data sets through lepton data import.");
    }
}
