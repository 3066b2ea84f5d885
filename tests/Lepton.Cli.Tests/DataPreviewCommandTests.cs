using System.Text.Json;
using Lepton.Data.Images;
using Lepton.Data.Images.Import;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton data preview</c> on an imported image folder: the contact sheet's size follows the samples and variants.</summary>
[Collection("cli")]
public sealed class DataPreviewCommandTests(TrainedModelFixture fx)
{
    private async Task<string> ImportAsync(string name)
    {
        var folder = PlantedImageFolder.Create(Path.Combine(fx.Root, name + "-images"), perClass: 4, plant: false);
        await using var registry = await ModelRegistry.OpenAsync();
        var result = await ImageDatasets.ImportAsync(registry.Store, registry.Artifacts, folder.Root, name,
            new ImageImportOptions(Width: 24, Height: 24, Channels: 3), null, "test");
        return $"{result.Version.Name}@{result.Version.Version}";
    }

    [Fact]
    public async Task Preview_ImportedFolder_WritesGridOfSamplesTimesVariants()
    {
        string reference = await ImportAsync("preview-shapes");
        string output = Path.Combine(fx.Root, "grid.png");
        var (code, stdout, err) = await CliRun.Invoke("data", "preview", reference, "--augment", "flip,rotate=30,zoom=0.2,cutout=6",
            "--samples", "3", "--variants", "4", "--seed", "5", "--out", output, "--json");
        Assert.True(code == 0, err);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(3, json.GetProperty("samples").GetInt32());
        Assert.Equal("flip,rotate=30,zoom=0.2,cutout=6", json.GetProperty("augment").GetString());

        var sheet = SkiaImageDecoder.Decode(File.ReadAllBytes(output), output, 1 << 24);
        // 24 px images enlarged 4x to 96 px cells, 2 px borders; captions add a label column and a header row when a font exists.
        int gridW = 5 * (96 + 2) + 2, gridH = 3 * (96 + 2) + 2;
        Assert.Contains(sheet.Width, new[] { gridW, gridW + 132 });
        Assert.Contains(sheet.Height, new[] { gridH, gridH + 22 });

        // The same seed draws the same sheet.
        string again = Path.Combine(fx.Root, "grid-again.png");
        (code, _, err) = await CliRun.Invoke("data", "preview", reference, "--augment", "flip,rotate=30,zoom=0.2,cutout=6",
            "--samples", "3", "--variants", "4", "--seed", "5", "--out", again);
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(output), File.ReadAllBytes(again));
    }

    [Fact]
    public async Task Preview_BadAugmentTerm_FailsNamingTheTermAndRange()
    {
        var (code, _, err) = await CliRun.Invoke("data", "preview", "whatever@1", "--augment", "rotate=500", "--out", Path.Combine(fx.Root, "x.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("rotate=DEGREES with DEGREES from 0 to 180", err);
    }
}
