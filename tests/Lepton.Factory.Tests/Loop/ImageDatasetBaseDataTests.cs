using Lepton.Data.Images.Import;
using Lepton.Factory.Loop;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Store;
using Lepton.Tests.Shared;

namespace Lepton.Factory.Tests.Loop;

/// <summary>An image data set version as the loop's base data: its splits, normalized as training does, bounded in size.</summary>
public sealed class ImageDatasetBaseDataTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-image-base-" + Guid.NewGuid().ToString("N"));
    private ModelRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(_root, "registry.db")}");
        _registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(_root, "artifacts"))));
        PlantedImageFolder.Create(Path.Combine(_root, "shapes"), perClass: 20, plant: false);
        await ImageDatasets.ImportAsync(_registry.Store, _registry.Artifacts, Path.Combine(_root, "shapes"), "shapes",
            new ImageImportOptions(16, 16, 3), null, "test", cache: new ShardCache(_registry.Artifacts, Path.Combine(_root, "cache")));
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Load_ImageVersion_GivesNormalizedSplitsWithTheClassesBoundedBySize()
    {
        var policy = new LoopPolicy { Model = "shapes", BaseData = "shapes@1", BaseSampleSize = 30, BaseTestSize = 1000 };
        var data = ImageDatasetBaseData.For(policy, _registry);
        Assert.IsType<ImageDatasetBaseData>(data);
        var splits = data.Load();
        Assert.Equal(PlantedImageFolder.Classes, splits.Train.ClassNames);
        Assert.Equal(30, splits.Train.Count);              // 60 training images, at most BaseSampleSize of them
        Assert.Equal(3 * 6, splits.Test.Count);            // the test folder: a third of perClass per class
        Assert.Equal([3, 16, 16], splits.Train.InputShape.ToArray());
        var values = splits.Train.Inputs.ToArray();
        Assert.InRange(values.Average(), -0.3, 0.3);       // the training split's own statistics: centred
        Assert.Equal(3, splits.Preprocessing.Mean.Length);
    }

    [Fact]
    public void For_FashionMnist_KeepsTheBuiltInData() =>
        Assert.IsType<FashionMnistBaseData>(ImageDatasetBaseData.For(new LoopPolicy { Model = "fashion" }, _registry));

    [Fact]
    public void Load_UnknownDataSet_SaysHowToImportOne()
    {
        var data = ImageDatasetBaseData.For(new LoopPolicy { Model = "x", BaseData = "nothing@1" }, _registry);
        Assert.Contains("lepton data list", Assert.ThrowsAny<Exception>(() => data.Load()).Message);
    }
}
