using Lepton.Data;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;
using Lepton.Training.Workflows;
using Lepton.Engine;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;

namespace Lepton.Factory.Loop;

/// <summary>
/// An image data set version as the loop's base data: its training and test splits (a stable-hash share of the training
/// images when it has no test split), normalized as training normalized them (the training split's per-channel statistics),
/// and at most <paramref name="maxTrain"/> and <paramref name="maxTest"/> images of each, chosen by a stable hash, so a
/// data set larger than memory still gives the loop a bounded sample.
/// </summary>
public sealed class ImageDatasetBaseData(ModelRegistry registry, string reference, int maxTrain, int maxTest) : IBaseData
{
    private BaseDataSplits? _loaded;

    public string Name => reference;

    public BaseDataSplits Load()
    {
        if (_loaded is not null) return _loaded;
        using var version = ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(reference)).GetAwaiter().GetResult();
        // Held out as training (seed 0) held it out, so the loop's base test is data the champion never trained on.
        var (train, _, test) = ImageTrainingData.Split(version.Manifest, 0, 0);
        if (train.Count == 0 || test.Count == 0)
            throw new InvalidDataException($"The base data {reference} needs training and test images; it has {train.Count} and {test.Count}. Assign splits with lepton data split.");
        var pre = ImageStatistics.Preprocessing(train, version.Pixels);
        _loaded = new BaseDataSplits(Materialize(train, maxTrain, version, pre), Materialize(test, maxTest, version, pre), pre);
        return _loaded;
    }

    private static InMemoryDataset Materialize(List<ImageItem> items, int max, ImageDatasetVersion version, Preprocessing pre)
    {
        var chosen = items.Count <= max ? items : [.. items.OrderBy(i => StableHash.Unit(0, "loop-base", i.Path)).Take(max)];
        var data = new ImageDataset(chosen, version.Pixels, version.Manifest.Classes, pre);
        var all = Enumerable.Range(0, data.Count).ToArray();
        var batch = data.GetBatch(all);
        return new InMemoryDataset(batch.Inputs, batch.Targets, version.Manifest.Classes);
    }

    /// <summary>
    /// The base data a policy names: <c>fashion-mnist</c>, or an image data set (NAME or NAME@V) recorded by lepton data import.
    /// </summary>
    public static IBaseData For(LoopPolicy policy, ModelRegistry registry) =>
        string.Equals(policy.BaseData, "fashion-mnist", StringComparison.OrdinalIgnoreCase)
            ? new FashionMnistBaseData(policy.DataDir)
            : new ImageDatasetBaseData(registry, policy.BaseData, Math.Max(policy.BaseSampleSize, 1), policy.BaseTestSize);
}
