using Lepton.Data.Images.Import;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Store;
using Lepton.Tests.Shared;
using Lepton.Training.Tracking;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Tests.Quantization;

/// <summary>
/// A registry holding a tiny image data set version (shapes@1: three classes, 16x16 RGB, train/validation/test) and the
/// reference CNN trained on it for a few epochs, registered as shapes@1 with its run and data set as lineage; the resnet
/// preset (a graph model) trained the same way, registered as shapes-resnet@1.
/// </summary>
public sealed class TrainedShapesFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "lepton-quantize-" + Guid.NewGuid().ToString("N"));

    public ModelRegistry Registry { get; private set; } = null!;

    public ModelVersion Float { get; private set; } = null!;

    public ModelVersion FloatResNet { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(Root, "registry.db")}");
        Registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(Root, "artifacts"))));
        PlantedImageFolder.Create(Path.Combine(Root, "shapes"), perClass: 30, plant: false);
        await ImageDatasets.ImportAsync(Registry.Store, Registry.Artifacts, Path.Combine(Root, "shapes"), "shapes",
            new ImageImportOptions(16, 16, 3), null, "test", cache: new ShardCache(Registry.Artifacts, Path.Combine(Root, "cache")));
        var recipe = new ImageClassifierRecipe(Data: "shapes@1", Model: "cnn", Epochs: 15, BatchSize: 16, LearningRate: 3e-3, Seed: 1);
        var outcome = await TrackedTraining.RunAsync(recipe, Path.Combine(Root, "float"), Registry, "shapes", "test");
        Float = outcome.Registered!;
        var resnet = await TrackedTraining.RunAsync(recipe with { Model = "resnet", Epochs = 6 }, Path.Combine(Root, "float-resnet"), Registry, "shapes-resnet", "test");
        FloatResNet = resnet.Registered!;
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
