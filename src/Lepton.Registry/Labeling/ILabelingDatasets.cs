using Lepton.Data.Images.Datasets;

namespace Lepton.Registry.Labeling;

/// <summary>One image data set version as labeling sees it: its manifest and, when its pixels are stored, a reader for them.</summary>
public sealed record LabelingDataset(string Name, int Version, ImageManifest Manifest, IImagePixelSource? Pixels);

/// <summary>
/// Where labeling reads image data set versions and records the labelled one. The registry's image data sets implement it
/// (<c>ImageDatasets</c>); tests pass an in-memory one. Kept as a seam so labeling needs nothing of how import stores shards.
/// </summary>
public interface ILabelingDatasets
{
    /// <summary>Version <paramref name="version"/> of data set <paramref name="name"/> (the latest when null); unknown ones are an error naming what exists.</summary>
    Task<LabelingDataset> LoadAsync(string name, int? version, CancellationToken ct = default);

    /// <summary>Records <paramref name="manifest"/> as a new version of <paramref name="name"/> derived from <paramref name="parentVersion"/>; returns its number.</summary>
    Task<int> RecordLabelledAsync(string name, int parentVersion, ImageManifest manifest, string actor, CancellationToken ct = default);
}
