using Google.Protobuf;
using Lepton.Compression.Onnx;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Runtime.Onnx;
using Onnx;

namespace Lepton.Compression.Tests.Onnx;

/// <summary>An ONNX model made by PyTorch imports, predicts what PyTorch computed, and hostile files are refused before ONNX Runtime reads them.</summary>
public sealed class OnnxImportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-onnx-import-tests", Guid.NewGuid().ToString("N"));
    private readonly TorchOnnxFixture _torch = TorchOnnxFixture.Load();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; none at all means nothing was written.
        }
    }

    [Fact]
    public void TorchExport_Inspect_ReadsTheSignatureFromTheGraph()
    {
        var info = OnnxImporter.Inspect(_torch.WriteTo(Path.Combine(_root, "cnn.onnx")));

        var input = Assert.Single(info.Inputs);
        Assert.Equal(("pixels", DType.Float32), (input.Name, input.DType));
        Assert.Equal([-1, 1, 8, 8], input.Shape);
        var output = Assert.Single(info.Outputs);
        Assert.Equal(("logits", DType.Float32), (output.Name, output.DType));
        Assert.Equal([-1, 3], output.Shape);
    }

    [Fact]
    public void TorchExport_Imported_PredictsWhatPyTorchComputed()
    {
        var folder = Path.Combine(_root, "imported");
        OnnxImporter.Import(_torch.WriteTo(Path.Combine(_root, "cnn.onnx")), folder, new OnnxImportOptions(["a", "b", "c"]));

        using var predictor = PredictorLoader.Default.Load(folder);
        var logits = predictor.Predict(new TensorSet([_torch.Input]))[0];

        Assert.Equal("onnx", predictor.Kind);
        Assert.Equal(OutputKind.ClassLogits, predictor.Signature.Kind);
        Assert.Equal(["a", "b", "c"], predictor.Signature.ClassNames);
        Assert.Equal(_torch.OutputShape, logits.Shape.Dims.ToArray());
        Assert.True(OrtCheck.MaxAbsDiff(_torch.Output, logits.ToArray()) < 1e-4, $"max |ORT - PyTorch| = {OrtCheck.MaxAbsDiff(_torch.Output, logits.ToArray()):G3}");
    }

    [Fact]
    public void LeptonExport_Imported_KeepsItsClassNames_EvenWithCommas()
    {
        var source = Path.Combine(_root, "lepton");
        var model = Lepton.NN.Presets.ModelPresets.Build("mlp", 1, 28, 28, 3, new Generator(3));
        Lepton.NN.Serialization.ModelFile.Save(source, model, new Lepton.NN.Serialization.ModelSpec
        {
            Input = new Lepton.NN.Serialization.InputSpec("image", [-1, 1, 28, 28]), ClassNames = ["cat", "dog, large", "bird"],
        });
        var path = Path.Combine(_root, "lepton.onnx");
        OnnxExporter.ExportFolder(source, path);

        Assert.Equal(["cat", "dog, large", "bird"], OnnxImporter.Inspect(path).ClassNames);
        Assert.Equal(["x", "y", "z"], OnnxImporter.Inspect(path, new OnnxImportOptions(["x", "y", "z"])).ClassNames);
    }

    [Fact]
    public void ClassNames_ThatDoNotFitTheOutput_AreRefused()
    {
        var path = _torch.WriteTo(Path.Combine(_root, "cnn.onnx"));

        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(path, new OnnxImportOptions(["only", "two"])));

        Assert.Contains("2 class names need exactly one float32 output (N, 2)", error.Message);
    }

    [Fact]
    public void Truncated_IsRefused_NamingTruncation()
    {
        var path = Path.Combine(_root, "truncated.onnx");
        Directory.CreateDirectory(_root);
        File.WriteAllBytes(path, _torch.OnnxBytes[..(_torch.OnnxBytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(path));

        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(5)]
    public void OpsetOutsideWhatOnnxRuntimeRuns_IsRefused_NamingTheOpsetAndTheFix(int opset)
    {
        var path = Mutated("opset.onnx", m => m.OpsetImport.Single(o => o.Domain is "" or "ai.onnx").Version = opset);

        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(path));

        Assert.Contains($"opset {opset} of the default domain", error.Message);
        Assert.Contains("opset_version=17", error.Message);
    }

    [Fact]
    public void CustomOperatorDomain_IsRefused()
    {
        var path = Mutated("custom.onnx", m => m.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example.evil", Version = 1 }));

        Assert.Contains("custom operators", Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(path)).Message);
    }

    [Fact]
    public void TenGigabyteDeclaredTensor_IsRefusedBeforeAnythingIsAllocated()
    {
        // 50,000 × 50,000 float32 = 10 GB declared, no bytes behind it.
        var path = Mutated("huge.onnx", m =>
        {
            var huge = new TensorProto { Name = "huge", DataType = (int)TensorProto.Types.DataType.Float };
            huge.Dims.Add(50_000L);
            huge.Dims.Add(50_000L);
            m.Graph.Initializer.Add(huge);
        });

        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(path));

        Assert.Contains("tensor 'huge' declares shape [50000,50000]", error.Message);
        Assert.Contains("1E+10 bytes", error.Message);
    }

    [Fact]
    public void InitializerWithFewerBytesThanItsShape_IsRefused()
    {
        var path = Mutated("short.onnx", m =>
        {
            var weight = m.Graph.Initializer.First(i => i.RawData.Length > 8);
            weight.RawData = ByteString.CopyFrom(weight.RawData.Span[..8]);
        });

        Assert.Contains("truncated or corrupt", Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(path)).Message);
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("sub/../../outside.bin")]
    [InlineData("/etc/hostname")]
    public void ExternalDataOutsideTheModelsFolder_IsRefused(string location)
    {
        // The file really exists outside, so only the path rule can refuse it.
        Directory.CreateDirectory(_root);
        File.WriteAllBytes(Path.Combine(_root, "outside.bin"), new byte[4096]);
        var path = Mutated(Path.Combine("model", "external.onnx"), m => MakeExternal(m, location));

        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(path));

        Assert.Contains($"reads external data from '{location}', which is absolute or leaves the model's folder", error.Message);
    }

    [Fact]
    public void ExternalDataBesideTheFile_IsImportedWithIt()
    {
        var folder = Path.Combine(_root, "model");
        string location = "weights.bin";
        var path = Mutated(Path.Combine("model", "external.onnx"), m =>
        {
            var weight = MakeExternal(m, location);
            File.WriteAllBytes(Path.Combine(folder, location), weight.Bytes);
        });

        var imported = Path.Combine(_root, "imported");
        OnnxImporter.Import(path, imported);

        Assert.True(File.Exists(Path.Combine(imported, location)));
        using (var predictor = PredictorLoader.Default.Load(imported))
            Assert.True(OrtCheck.MaxAbsDiff(_torch.Output, predictor.Predict(new TensorSet([_torch.Input]))[0].ToArray()) < 1e-4);
        // Written back out, the graph takes its external data along and imports again.
        var copy = Path.Combine(_root, "out", "copy.onnx");
        OnnxImporter.CopyOut(imported, copy);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, location)), File.ReadAllBytes(Path.Combine(_root, "out", location)));
        Assert.Single(OnnxImporter.Inspect(copy).Outputs);
    }

    [Fact]
    public void FixedBatchSize_IsRefused_NamingDynamicAxes()
    {
        var path = Mutated("fixed.onnx", m => m.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 1 });

        Assert.Contains("dynamic_axes", Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(path)).Message);
    }

    [Fact]
    public void EmptyAndForeignFiles_AreRefused()
    {
        Directory.CreateDirectory(_root);
        var empty = Path.Combine(_root, "empty.onnx");
        File.WriteAllBytes(empty, []);
        var text = Path.Combine(_root, "text.onnx");
        File.WriteAllText(text, "this is not a protobuf, just some text that happens to end in .onnx\n");

        Assert.Contains("is empty", Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(empty)).Message);
        Assert.IsType<InvalidDataException>(Record.Exception(() => OnnxImporter.Inspect(text)));
        Assert.Contains("more than the 100 an imported", Assert.Throws<InvalidDataException>(() =>
            OnnxImporter.Inspect(_torch.WriteTo(Path.Combine(_root, "big.onnx")), new OnnxImportOptions(MaxFileBytes: 100))).Message);
    }

    [Fact]
    public void FolderWhoseModelJsonDisagreesWithTheGraph_IsRefused()
    {
        var folder = Path.Combine(_root, "imported");
        OnnxImporter.Import(_torch.WriteTo(Path.Combine(_root, "cnn.onnx")), folder);
        OnnxModelFolder.WriteSpec(folder, new OnnxModelInfo([new OnnxTensorInfo("image", DType.Float32, [-1, 1, 8, 8])],
            [new OnnxTensorInfo("logits", DType.Float32, [-1, 3])], []));

        Assert.Contains("re-import", Assert.Throws<InvalidDataException>(() => OnnxImporter.CheckFolder(folder)).Message);
    }

    // The fixture parsed, changed by <paramref name="change"/>, and written under the test's root.
    private string Mutated(string relative, Action<ModelProto> change)
    {
        var model = ModelProto.Parser.ParseFrom(_torch.OnnxBytes);
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        change(model);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    // Moves the largest initializer's bytes out to <paramref name="location"/>; returns its name and bytes.
    private static (string Name, byte[] Bytes) MakeExternal(ModelProto model, string location)
    {
        var weight = model.Graph.Initializer.OrderByDescending(i => i.RawData.Length).First();
        var bytes = weight.RawData.ToByteArray();
        weight.RawData = ByteString.Empty;
        weight.DataLocation = TensorProto.Types.DataLocation.External;
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        weight.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return (weight.Name, bytes);
    }
}
