using Lepton.Data.Images.Datasets;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Registry.Store;

namespace Lepton.Registry.Labeling;

/// <summary>
/// The registry's image data sets (<see cref="ImageDatasets"/>) as labeling reads and records them. Loaded versions stay open
/// (their shard readers) until disposal, so a page that shows image after image never reopens the shards; a labelled version is
/// recorded with <see cref="ImageDatasets.RecordDerivedAsync"/>, sharing its parent's shards.
/// </summary>
public sealed class LabelingDatasets(IRegistryStore store, IArtifactStore artifacts, ShardCache? cache = null) : ILabelingDatasets, IDisposable
{
    private readonly Dictionary<(string, int), ImageDatasetVersion> _open = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The registry's image data sets over <paramref name="store"/> and <paramref name="artifacts"/>.</summary>
    public static LabelingDatasets Open(IRegistryStore store, IArtifactStore artifacts) => new(store, artifacts);

    public async Task<LabelingDataset> LoadAsync(string name, int? version, CancellationToken ct = default)
    {
        var record = await new DatasetReference(name, version).ResolveAsync(store, ct);
        await _gate.WaitAsync(ct);
        try
        {
            if (!_open.TryGetValue((record.Name, record.Version), out var loaded))
                _open[(record.Name, record.Version)] = loaded = await ImageDatasets.LoadAsync(store, artifacts, record, cache, ct);
            return new LabelingDataset(record.Name, record.Version, loaded.Manifest, loaded.Pixels);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<int> RecordLabelledAsync(string name, int parentVersion, ImageManifest manifest, string actor, CancellationToken ct = default)
    {
        var recorded = await ImageDatasets.RecordDerivedAsync(store, artifacts, name, parentVersion, manifest, "labels applied (lepton label --commit)", actor, ct, cache);
        return recorded.Version;
    }

    public void Dispose()
    {
        foreach (var loaded in _open.Values) loaded.Dispose();
        _open.Clear();
        _gate.Dispose();
    }
}
