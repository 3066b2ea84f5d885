using Lepton.Data.Formats;
using Lepton.Data.Images.Import;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Reports.Evaluation;

namespace Lepton.Reports.Tests;

/// <summary>
/// A report on an image data set version: the patch images written as PNGs in the Keras layout (train and test folders),
/// imported into a registry, loaded by <see cref="ReportDataSources"/> with their splits, and scored by models whose classes
/// come in the data's order or another one.
/// </summary>
public sealed class ImageVersionReportTests : IAsyncLifetime
{
    private const int Classes = 4, Side = 16;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-report-images-" + Guid.NewGuid().ToString("N"));
    private ModelRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_root, "registry.db"));
        _registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(_root, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(_root, "cache")));
        var images = PatchImages.Make(160, Classes, Side, seed: 5);
        var values = images.Inputs.Contiguous().ToArray();
        var labels = images.Targets.ToIntArray();
        for (int i = 0; i < images.Count; i++)
        {
            string split = i % 4 == 0 ? "test" : "train";
            var pixels = values.AsSpan(i * Side * Side, Side * Side).ToArray().Select(v => (byte)v).ToArray();
            string path = Path.Combine(_root, "images", split, $"class-{labels[i]}", $"{i:D3}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            PngEncoder.Write(path, new PngImage(Side, Side, 1, pixels));
        }
        await ImageDatasets.ImportAsync(store, _registry.Artifacts, Path.Combine(_root, "images"), "patches",
            new ImageImportOptions(Width: Side, Height: Side, Channels: 1, Workers: 1), null, "test");
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task ImageVersion_LoadsEverySplit_HeadlineOnTest_AndRemapsAModelsClassOrder()
    {
        using var source = await ReportDataSources.LoadAsync("patches@1", null, _registry);
        var data = source.Data;
        Assert.Equal("patches@1", data.Name);
        Assert.Equal(160, data.Count);
        Assert.Equal(40, data.Splits.Count(s => s == "test"));
        Assert.Equal("test", data.HeadlineSplit);
        Assert.Equal(40, data.HeadlineIndices.Count);

        var plain = await ReportWorkflow.EvaluateAsync(new ReportModel("plain", PatchImages.WriteModel(Path.Combine(_root, "plain"), Classes, Side)),
            data, null, ReportFixture.Options);
        // The same model with its outputs in reverse order: the labels are remapped by name, so every number is the same.
        var reversed = await ReportWorkflow.EvaluateAsync(
            new ReportModel("reversed", PatchImages.WriteModel(Path.Combine(_root, "reversed"), Classes, Side, cellOf: [3, 2, 1, 0])), data, null, ReportFixture.Options);
        Assert.Equal(["class-3", "class-2", "class-1", "class-0"], reversed.ClassNames);
        Assert.Equal(plain.Metrics.Accuracy, reversed.Metrics.Accuracy);
        Assert.InRange(plain.Metrics.Accuracy, 0.5, 1.0);
        for (int a = 0; a < Classes; a++)
            for (int p = 0; p < Classes; p++)
                Assert.Equal(plain.Metrics.ConfusionMatrix[a][p], reversed.Metrics.ConfusionMatrix[Classes - 1 - a][Classes - 1 - p]);
        Assert.Equal(["test", "train"], plain.Slices.Where(s => s.Group == "split").Select(s => s.Name).Order());
    }

    [Fact]
    public async Task ModelWithAClassTheDataLacks_IsRefused_NamingTheClass()
    {
        using var source = await ReportDataSources.LoadAsync("patches@1", null, _registry);
        string folder = PatchImages.WriteModel(Path.Combine(_root, "three"), 3, Side);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReportWorkflow.EvaluateAsync(new ReportModel("three", folder), source.Data, null));
        Assert.Contains("class-3", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => ReportDataSources.LoadAsync(_root, null, _registry));
    }
}
