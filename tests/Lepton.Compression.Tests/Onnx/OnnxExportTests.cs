using Lepton.Compression.Onnx;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Onnx;
using Tensor = Lepton.Engine.Tensor;

namespace Lepton.Compression.Tests.Onnx;

public class OnnxExportTests
{
    private static readonly InputSpec Image = new("image", [-1, 1, 28, 28]);

    [Theory]
    [InlineData("cnn")]
    [InlineData("cnn-bn")]
    [InlineData("resnet")]
    [InlineData("mlp")]
    public void ImagePreset_ExportedAndRunInOnnxRuntime_MatchesLeptonTo1e4(string preset)
    {
        var model = ModelPresets.Build(preset, 1, 28, 28, 10, new Generator(7));
        MoveRunningStatistics(model);
        var x = Tensor.Randn(new Shape(3, 1, 28, 28), new Generator(11));

        var onnx = OnnxExporter.Export(model, [Image], ["logits"]);

        var expected = Forward(model, x);
        var actual = OrtCheck.Run(onnx, ("image", x))[0];
        Assert.True(OrtCheck.MaxAbsDiff(expected, actual) < 1e-4, $"{preset}: max |Lepton - ORT| = {OrtCheck.MaxAbsDiff(expected, actual):G3}");
    }

    [Fact]
    public void Export_BatchDimension_IsSymbolic_SoOtherBatchSizesRun()
    {
        var model = ModelPresets.Build("cnn", 1, 28, 28, 10, new Generator(3));
        var onnx = OnnxExporter.Export(model, [Image], ["logits"]);
        var proto = ModelProto.Parser.ParseFrom(onnx);

        Assert.Equal("N", proto.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("N", proto.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        foreach (int batch in new[] { 1, 5 })
        {
            var x = Tensor.Randn(new Shape(batch, 1, 28, 28), new Generator((ulong)batch));
            Assert.True(OrtCheck.MaxAbsDiff(Forward(model, x), OrtCheck.Run(onnx, ("image", x))[0]) < 1e-4);
        }
    }

    [Fact]
    public void Export_WritesOpset17_StateDictNames_AndTheSignaturesNames()
    {
        var model = ModelPresets.Build("cnn", 1, 28, 28, 10, new Generator(3));
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.Export(model, [Image], ["logits"]));

        var opset = Assert.Single(proto.OpsetImport);
        Assert.Equal(17, opset.Version);
        Assert.Equal("", opset.Domain);
        Assert.Equal("image", proto.Graph.Input[0].Name);
        Assert.Equal("logits", proto.Graph.Output[0].Name);
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"], proto.Graph.Initializer.Select(i => i.Name));
        Assert.Equal(["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Identity"], proto.Graph.Node.Select(n => n.OpType));
        var conv = (Conv2d)((Sequential)model)[0];
        Assert.Equal(conv.Weight.Value.ToArray(), Tensor.FromBytes(proto.Graph.Initializer[0].RawData.Span, DType.Float32, conv.Weight.Value.Shape).ToArray());
    }

    [Fact]
    public void Export_Dropout_VanishesInInference()
    {
        var model = ModelPresets.Build("cnn-bn", 1, 28, 28, 10, new Generator(3));
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.Export(model, [Image], ["logits"]));

        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "Dropout");
        Assert.Contains(proto.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.True(model.IsTraining, "export must hand the model back in the mode it came in");
    }

    [Fact]
    public void LayersBeyondThePresets_ExportAndMatch()
    {
        // x (N,4,8,8) → avg pool → LeakyReLU → GELU → Flatten (N,64) → Linear → LayerNorm → Tanh → Reshape (N,2,8) → Mean → Sigmoid → Softmax
        var model = new Sequential(
            new AvgPool2d(3, new AvgPool2dOptions(Stride: 1, Padding: 1)), new LeakyReLU(0.2), new GELU(),
            new Conv2d(4, 4, 3, new Conv2dOptions(Stride: 2, Padding: 1, Groups: 2), new Generator(1)),
            new Flatten(), new Linear(64, 16, rng: new Generator(2)), new LayerNorm(16), new Tanh(),
            new Reshape(2, 8), new Linear(8, 6, rng: new Generator(3)), new Mean([1]), new Sigmoid(), new Softmax(-1));
        var x = Tensor.Randn(new Shape(2, 4, 8, 8), new Generator(5));

        var onnx = OnnxExporter.Export(model, [new InputSpec("x", [-1, 4, 8, 8])], ["y"]);

        Assert.True(OrtCheck.MaxAbsDiff(Forward(model, x), OrtCheck.Run(onnx, ("x", x))[0]) < 1e-4);
    }

    [Fact]
    public void APoissonRegressionsExp_ExportsAndMatches()
    {
        // features (N,5) → Linear → Exp: a log-link regressor answers exp of its raw score.
        var model = new Sequential(new Linear(5, 1, rng: new Generator(4)), new Exp());
        var x = Tensor.Randn(new Shape(3, 5), new Generator(6));

        var onnx = OnnxExporter.Export(model, [new InputSpec("features", [-1, 5])], ["values"]);

        Assert.Contains(ModelProto.Parser.ParseFrom(onnx).Graph.Node, n => n.OpType == "Exp");
        Assert.True(OrtCheck.MaxAbsDiff(Forward(model, x), OrtCheck.Run(onnx, ("features", x))[0]) < 1e-5);
    }

    [Fact]
    public void Embedding_ExportsAsGather_AndMatches()
    {
        var model = new Sequential(new Embedding(20, 6, new Generator(1)), new Flatten(), new Linear(18, 4, rng: new Generator(2)));
        var ids = Tensor.FromArray(new[] { 0, 5, 19, 3, 3, 7 }, 2, 3);

        var onnx = OnnxExporter.Export(model, [new InputSpec("ids", [-1, 3], DType.Int32)], ["y"]);

        Assert.True(OrtCheck.MaxAbsDiff(Forward(model, ids), OrtCheck.Run(onnx, ("ids", ids))[0]) < 1e-5);
    }

    [Fact]
    public void UnsupportedLayer_IsAnError_NamingTheLayerAndItsType()
    {
        var model = new Sequential(new Linear(4, 4), new LSTM(4, 4));

        var error = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, [new InputSpec("x", [-1, 3, 4])], ["y"]));

        Assert.Contains("layer '1' (LSTM)", error.Message);
        Assert.Contains("Conv2d", error.Message);
    }

    [Fact]
    public void ExportFolder_NamesInputsAndOutputsFromTheSavedSignature()
    {
        var dir = Path.Combine(Path.GetTempPath(), "lepton-onnx-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = ModelPresets.Build("cnn", 1, 28, 28, 3, new Generator(3));
            ModelFile.Save(dir, model, new ModelSpec { Input = new InputSpec("pixels", [-1, 1, 28, 28]), ClassNames = ["a", "b", "c"] });
            var path = Path.Combine(dir, "out", "model.onnx");

            long bytes = OnnxExporter.ExportFolder(dir, path);

            var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            Assert.Equal(new FileInfo(path).Length, bytes);
            Assert.Equal("pixels", proto.Graph.Input[0].Name);
            Assert.Equal("logits", proto.Graph.Output[0].Name);
            Assert.Equal("a,b,c", proto.MetadataProps.Single(p => p.Key == "class_names").Value);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static float[] Forward(Module model, Tensor x)
    {
        var modes = model.SaveModes();
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            return model.Forward(x).ToArray();
        }
        finally
        {
            model.RestoreModes(modes);
        }
    }

    // Running statistics away from their (0, 1) start, so an export that ignored them would fail.
    private static void MoveRunningStatistics(Module model)
    {
        model.Train();
        using (new NoGrad())
        {
            for (int i = 0; i < 3; i++) model.Forward(Tensor.Randn(new Shape(8, 1, 28, 28), new Generator((ulong)(100 + i)), mean: 0.5, std: 2));
        }
        model.Eval();
    }
}
