using Lepton.Compression.Onnx;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Runtime;

namespace Lepton.Compression.Tests.Onnx;

/// <summary>An .onnx file registers as a version of the onnx kind; a hostile one is refused and leaves the registry untouched.</summary>
public sealed class OnnxRegistrationTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-onnx-registration-tests", Guid.NewGuid().ToString("N"));
    private readonly TorchOnnxFixture _torch = TorchOnnxFixture.Load();
    private ModelRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(_root, "registry.db")}");
        _registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(_root, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(_root, "cache")));
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Fact]
    public async Task OnnxFile_RegistersAsAVersion_DescribedByItsGraph_AndLoadsAsTheOnnxKind()
    {
        var path = _torch.WriteTo(Path.Combine(_root, "cnn.onnx"));

        var version = await OnnxRegistration.RegisterAsync(_registry, "torch-cnn", path, new OnnxImportOptions(["a", "b", "c"]), null, null, "test");

        Assert.Equal(1, version.Version);
        Assert.StartsWith("ONNX graph; pixels", version.ArchitectureSummary);
        Assert.Contains("\"class_names\":[\"a\",\"b\",\"c\"]", version.SignatureJson);
        var resolved = await _registry.ResolveAsync("torch-cnn@1");
        using var predictor = PredictorLoader.Default.Load(resolved.Folder);
        Assert.Equal("onnx", predictor.Kind);
        Assert.True(OrtCheck.MaxAbsDiff(_torch.Output, predictor.Predict(new TensorSet([_torch.Input]))[0].ToArray()) < 1e-4);
    }

    [Fact]
    public async Task RegisteredOnnxFolder_RegistersAgain_AfterItsCheck()
    {
        var folder = Path.Combine(_root, "imported");
        OnnxImporter.Import(_torch.WriteTo(Path.Combine(_root, "cnn.onnx")), folder);

        var version = await OnnxRegistration.RegisterAsync(_registry, "folder-cnn", folder, null, null, null, "test");

        Assert.Equal(1, version.Version);
        Assert.True(OnnxRegistration.IsOnnxFolder((await _registry.ResolveAsync("folder-cnn@1")).Folder));
    }

    [Fact]
    public async Task HostileFile_IsRefusedAtRegistration_AndNothingIsRegistered()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "truncated.onnx");
        File.WriteAllBytes(path, _torch.OnnxBytes[..(_torch.OnnxBytes.Length / 3)]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => OnnxRegistration.RegisterAsync(_registry, "bad", path, null, null, null, "test"));

        Assert.Contains("truncated", error.Message);
        Assert.Null(await _registry.Store.GetModelAsync("bad"));
    }
}
