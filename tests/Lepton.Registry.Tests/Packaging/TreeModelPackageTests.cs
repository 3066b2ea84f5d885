using System.Text.Json.Nodes;
using Lepton.NN.Serialization;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Tests.Artifacts;

namespace Lepton.Registry.Tests.Packaging;

/// <summary>A LightGBM model folder (model.txt beside a layerless model.json) is stored and described without building a network.</summary>
public sealed class TreeModelPackageTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly ModelPackage _package;

    public TreeModelPackageTests()
    {
        _package = new ModelPackage(new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("artifacts"))), new ModelPackageOptions(CacheRoot: _temp.Sub("cache")));
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(TaskKind.Multiclass, "logits", 3)]
    [InlineData(TaskKind.Regression, "values", 1)]
    public async Task LightGbmFolder_IsStoredAndDescribedByItsRawScores(TaskKind task, string output, int width)
    {
        var dir = _temp.Sub("trees");
        Directory.CreateDirectory(dir);
        // What LightGbmModelFolder.Save writes, less the fields only the lightgbm predictor kind reads.
        File.WriteAllText(Path.Combine(dir, "model.txt"), "tree\nversion=v4\n");
        File.WriteAllText(Path.Combine(dir, ModelFile.SpecFileName), ModelSpecJson.Write(new ModelSpec
        {
            Input = new InputSpec("features", [-1, 4]),
            Task = new TaskSpec(task),
            ClassNames = task == TaskKind.Multiclass ? ["a", "b", "c"] : [],
            Metadata = new JsonObject { ["kind"] = "lightgbm" },
        }));

        var hash = await _package.StoreAsync(dir);
        var manifest = await _package.ReadManifestAsync(hash);
        Assert.Equal(["model.json", "model.txt"], manifest.Files.Keys.Order(StringComparer.Ordinal).ToArray());
        var d = await _package.DescribeAsync(hash);
        Assert.Equal([-1, width], d.OutputShape);
        Assert.Equal($"LightGBM trees; features (-1,4) → (-1,{width})", d.ArchitectureSummary);
        var signature = JsonNode.Parse(d.SignatureJson)!;
        Assert.Equal(output, signature["outputs"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task FolderWithNeitherWeightsNorTrees_IsRefused()
    {
        var dir = _temp.Sub("empty");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, ModelFile.SpecFileName), "{}");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => _package.StoreAsync(dir));
        Assert.Contains("has no weights.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("model.txt for a LightGBM model", e.Message, StringComparison.Ordinal);
    }
}
