using System.Text.Json.Nodes;
using Lepton.NN.Serialization;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Tests.Artifacts;

namespace Lepton.Registry.Tests.Packaging;

/// <summary>Model folders as blobs plus a manifest: store, describe, materialize (cached and verified), and folder rules.</summary>
public sealed class ModelPackageTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly FileArtifactStore _store;
    private readonly ModelPackage _package;

    public ModelPackageTests()
    {
        _store = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("artifacts")));
        _package = new ModelPackage(_store, new ModelPackageOptions(CacheRoot: _temp.Sub("cache")));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task StoreWritesEveryFileAndADeterministicManifest()
    {
        var dir = ModelFolders.WriteSmall(_temp.Sub("m"));
        Directory.CreateDirectory(Path.Combine(dir, "assets"));
        File.WriteAllText(Path.Combine(dir, "assets", "labels.txt"), "cat\ndog\nbird\n");
        File.WriteAllText(Path.Combine(dir, "README.md"), "a model");

        var hash = await _package.StoreAsync(dir);
        Assert.Equal(hash, await _package.StoreAsync(dir));
        var manifest = await _package.ReadManifestAsync(hash);
        Assert.Equal(["README.md", "assets/labels.txt", "model.json", "weights.safetensors"], manifest.Files.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (path, file) in manifest.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, path));
            Assert.Equal(ArtifactHash.Of(bytes), file.Sha256);
            Assert.Equal(bytes.Length, file.Size);
            await _store.VerifyAsync(file.Sha256);
        }
        var json = JsonNode.Parse(await _store.ReadAsync(hash))!;
        Assert.Equal("lepton-model", (string?)json["format"]);
    }

    [Fact]
    public async Task MaterializeMakesALoadableVerifiedCopyAndReusesTheCache()
    {
        var dir = ModelFolders.WriteSmall(_temp.Sub("m"));
        var hash = await _package.StoreAsync(dir);

        var cached = await _package.MaterializeAsync(hash);
        Assert.Equal(Path.Combine(_temp.Sub("cache"), hash), cached);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "weights.safetensors")), File.ReadAllBytes(Path.Combine(cached, "weights.safetensors")));
        var (model, spec) = ModelFile.Load(cached);
        Assert.Equal(["cat", "dog", "bird"], spec.ClassNames);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(cached, "model.json"));
        Assert.Equal(cached, await _package.MaterializeAsync(hash));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(cached, "model.json")));
        Assert.Empty(Directory.GetDirectories(_temp.Sub("cache"), ".*"));

        // A damaged cache entry is rebuilt from the store instead of being served.
        File.WriteAllText(Path.Combine(cached, "model.json"), "{}");
        await _package.MaterializeAsync(hash);
        ModelFile.Load(cached);

        var explicitTarget = _temp.Sub("out/copy");
        Assert.Equal(Path.GetFullPath(explicitTarget), await _package.MaterializeAsync(hash, explicitTarget));
        await Assert.ThrowsAsync<IOException>(() => _package.MaterializeAsync(hash, explicitTarget));
    }

    [Fact]
    public async Task MaterializeRefusesCorruptedBlobsAndLeavesNoFolder()
    {
        var dir = ModelFolders.WriteSmall(_temp.Sub("m"));
        var hash = await _package.StoreAsync(dir);
        var weights = (await _package.ReadManifestAsync(hash)).Files["weights.safetensors"].Sha256;
        var path = _store.PathOf(weights);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(path, bytes);
        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => _package.MaterializeAsync(hash));
        Assert.Contains(weights, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Sub("cache")));
    }

    [Fact]
    public async Task DescribeBuildsSignatureAndSummaryFromTheStoredModelJson()
    {
        var hash = await _package.StoreAsync(ModelFolders.WriteSmall(_temp.Sub("m")));
        var d = await _package.DescribeAsync(hash);
        var sig = JsonNode.Parse(d.SignatureJson)!;
        Assert.Equal("image", (string?)sig["inputs"]![0]!["name"]);
        Assert.Equal("[-1,1,4,4]", sig["inputs"]![0]!["shape"]!.ToJsonString());
        Assert.Equal("float32", (string?)sig["inputs"]![0]!["dtype"]);
        Assert.Equal("[-1,3]", sig["outputs"]![0]!["shape"]!.ToJsonString());
        Assert.Equal("[\"cat\",\"dog\",\"bird\"]", sig["class_names"]!.ToJsonString());
        Assert.Equal(16 * 8 + 8 + 8 * 3 + 3, d.ParameterCount);
        Assert.Equal("Flatten → Linear → ReLU → Linear; 163 parameters; image (-1,1,4,4) → (-1,3)", d.ArchitectureSummary);
    }

    [Fact]
    public async Task FolderRulesAreEnforcedBeforeAnythingIsStored()
    {
        var dir = ModelFolders.WriteSmall(_temp.Sub("m"));
        File.CreateSymbolicLink(Path.Combine(dir, "link.bin"), Path.Combine(dir, "weights.safetensors"));
        Assert.Contains("symbolic link", (await Assert.ThrowsAsync<InvalidDataException>(() => _package.StoreAsync(dir))).Message);
        File.Delete(Path.Combine(dir, "link.bin"));

        Directory.CreateDirectory(Path.Combine(dir, "a", "b"));
        Assert.Contains("deeper than one folder", (await Assert.ThrowsAsync<InvalidDataException>(() => _package.StoreAsync(dir))).Message);
        Directory.Delete(Path.Combine(dir, "a"), recursive: true);

        File.WriteAllText(Path.Combine(dir, "bad name.txt"), "x");
        Assert.Contains("U+0020", (await Assert.ThrowsAsync<InvalidDataException>(() => _package.StoreAsync(dir))).Message);
        File.Delete(Path.Combine(dir, "bad name.txt"));

        File.WriteAllText(Path.Combine(dir, "model.txt"), "tree\nversion=v4\n"); // a booster left behind by an earlier model
        Assert.Contains("holds model.txt and weights.safetensors", (await Assert.ThrowsAsync<InvalidDataException>(() => _package.StoreAsync(dir))).Message);
        File.Delete(Path.Combine(dir, "model.txt"));

        var small = new ModelPackage(_store, new ModelPackageOptions(MaxTotalBytes: 100, CacheRoot: _temp.Sub("cache")));
        Assert.Contains("the limit for one model", (await Assert.ThrowsAsync<InvalidDataException>(() => small.StoreAsync(dir))).Message);

        File.Delete(Path.Combine(dir, "weights.safetensors"));
        Assert.Contains("has no weights.safetensors", (await Assert.ThrowsAsync<InvalidDataException>(() => _package.StoreAsync(dir))).Message);
        await foreach (var _ in _store.ListAsync()) Assert.Fail("nothing should have been stored");
    }

    [Fact]
    public void HostileManifestPathsAreRejected()
    {
        const string h = "0000000000000000000000000000000000000000000000000000000000000000";
        foreach (var path in new[] { "../evil", "/etc/passwd", "a/b/c", "..", "x\\y", "a/../b" })
        {
            var entry = new JsonObject { [path] = new JsonObject { ["sha256"] = h, ["size"] = 1 } };
            var json = new JsonObject { ["format"] = "lepton-model", ["format_version"] = 1, ["files"] = entry }.ToJsonString();
            Assert.Throws<InvalidDataException>(() => ModelManifest.Parse(json, "test"));
        }
        Assert.Throws<InvalidDataException>(() => ModelManifest.Parse("""{"format":"other","format_version":1,"files":{}}""", "test"));
    }
}
