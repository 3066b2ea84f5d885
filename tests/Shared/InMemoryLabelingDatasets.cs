using Lepton.Data.Images.Datasets;
using Lepton.Registry.Labeling;

namespace Lepton.Tests.Shared;

/// <summary>Image data set versions held in memory, with pixels, for labeling tests (compiled into the test projects that use it).</summary>
public sealed class InMemoryLabelingDatasets : ILabelingDatasets
{
    private readonly Dictionary<string, List<(ImageManifest Manifest, int? Parent)>> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _pixels = new(StringComparer.Ordinal);

    public const int Side = 4;

    /// <summary>Adds a version whose items are 4x4 RGB images of one flat colour each (item i: value 10*i + 5).</summary>
    public int Add(string name, params (string Path, string? Label)[] items)
    {
        var list = items.Select((item, i) => new ImageItem(item.Path, new string('a', 64), 100, item.Label, Width: Side, Height: Side, Channels: 3,
            Shard: 0, Slot: i)).ToList();
        for (int i = 0; i < items.Length; i++) _pixels[name + "|" + items[i].Path] = Enumerable.Repeat((byte)(10 * i + 5), Side * Side * 3).ToArray();
        var manifest = new ImageManifest(list, list.Select(x => x.Label).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList(),
            new ImagePixels(Side, Side, 3, "bilinear", ["shard0"]));
        return Record(name, manifest, null);
    }

    public IReadOnlyList<(ImageManifest Manifest, int? Parent)> Versions(string name) => _versions[name];

    public bool Has(string name)
    {
        lock (_versions) return _versions.ContainsKey(name);
    }

    public Task<LabelingDataset> LoadAsync(string name, int? version, CancellationToken ct = default)
    {
        lock (_versions)
        {
            if (!_versions.TryGetValue(name, out var list)) throw new KeyNotFoundException($"No image data set '{name}'.");
            int v = version ?? list.Count;
            if (v < 1 || v > list.Count) throw new KeyNotFoundException($"Data set '{name}' has no version {v}.");
            return Task.FromResult(new LabelingDataset(name, v, list[v - 1].Manifest, new Pixels(this, name, list[v - 1].Manifest.Pixels)));
        }
    }

    public Task<int> RecordLabelledAsync(string name, int parentVersion, ImageManifest manifest, string actor, CancellationToken ct = default) =>
        Task.FromResult(Record(name, manifest, parentVersion));

    private int Record(string name, ImageManifest manifest, int? parent)
    {
        lock (_versions)
        {
            if (!_versions.TryGetValue(name, out var list)) _versions[name] = list = [];
            list.Add((manifest, parent));
            return list.Count;
        }
    }

    private sealed class Pixels(InMemoryLabelingDatasets owner, string name, ImagePixels layout) : IImagePixelSource
    {
        public ImagePixels Layout { get; } = layout;

        public void Read(ImageItem item, Span<byte> hwc) => owner._pixels[name + "|" + item.Path].CopyTo(hwc);
    }
}
