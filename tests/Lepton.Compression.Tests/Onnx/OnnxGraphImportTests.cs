using Google.Protobuf;
using Lepton.Compression.Onnx;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Runtime.Onnx;
using Onnx;
using Tensor = Lepton.Engine.Tensor;

namespace Lepton.Compression.Tests.Onnx;

/// <summary>
/// A classifier exported as scikit-learn does (skl2onnx with zipmap off: an INT64 label output beside a float probabilities
/// output, ai.onnx.ml operators) imports with --classes: its probabilities become the served class scores. A float16
/// graph takes and gives halves, and a bool mask is held as UInt8.
/// </summary>
public sealed class OnnxGraphImportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-onnx-classifier-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
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
    public void SklearnStyleClassifier_ServesItsProbabilities_AsTheClassScores()
    {
        var folder = Import(LinearClassifier(), new OnnxImportOptions(["a", "b", "c"]));

        var info = OnnxModelFolder.ReadInfo(folder);
        Assert.Equal(("probabilities", OnnxClassScores.Probabilities), (info.ClassOutput, info.ClassScores));
        Assert.Equal(["label", "probabilities"], info.Outputs.Select(o => o.Name));
        using var predictor = PredictorLoader.Default.Load(folder);
        Assert.True(predictor.Signature.IsClassifier);
        Assert.Equal("probabilities", Assert.Single(predictor.Signature.Outputs).Name);

        // x: (2,4); the graph's probabilities are softmax(x[:, :3]); the answer's softmax must give them back exactly.
        float[] x = [1, 2, 3, 4, 5, 1, 1, 1];
        var scores = predictor.Predict(new TensorSet([Tensor.FromArray(x, 2, 4)]))[0];
        Assert.Equal([2, 3], scores.Shape.ToArray());
        var back = scores.Softmax(-1).ToArray();
        for (int r = 0; r < 2; r++)
        {
            var want = Softmax(x.AsSpan(r * 4, 3));
            for (int c = 0; c < 3; c++) Assert.True(Math.Abs(want[c] - back[r * 3 + c]) < 1e-6, $"row {r} class {c}: {back[r * 3 + c]} vs {want[c]}");
        }
    }

    [Fact]
    public void ClassScores_CanBeSaidToBeLogits_AndAnAmbiguousClassOutputIsRefused()
    {
        var folder = Import(LinearClassifier(), new OnnxImportOptions(["a", "b", "c"], OnnxClassScores.Logits));
        Assert.Equal(OnnxClassScores.Logits, OnnxModelFolder.ReadInfo(folder).ClassScores);

        var twice = LinearClassifier();
        twice.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "probabilities" }, Output = { "copy" } });
        twice.Graph.Output.Add(OnnxGraphs.Tensor("copy", TensorProto.Types.DataType.Float, 3));
        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(Write(twice, "twice.onnx"), new OnnxImportOptions(["a", "b", "c"])));
        Assert.Contains("need exactly one float32 output (N, 3) of logits or probabilities", error.Message);
        Assert.Contains("'copy' Float32 [-1,3]", error.Message);
    }

    [Fact]
    public void Float16Graph_TakesHalfInputs_AndAnswersItsHalfOutputs()
    {
        // x: (N,4) float16 @ W: (4,2) = [[0, .1], [.2, .3], [.4, .5], [.6, .7]] → y: (N,2) float16
        var w = new TensorProto { Name = "W", DataType = (int)TensorProto.Types.DataType.Float16, Dims = { 4, 2 } };
        foreach (float v in new[] { 0f, .1f, .2f, .3f, .4f, .5f, .6f, .7f }) w.Int32Data.Add(BitConverter.HalfToUInt16Bits((Half)v));
        var graph = new GraphProto { Name = "half", Node = { new NodeProto { OpType = "MatMul", Input = { "x", "W" }, Output = { "y" } } }, Initializer = { w } };
        graph.Input.Add(OnnxGraphs.Tensor("x", TensorProto.Types.DataType.Float16, 4));
        graph.Output.Add(OnnxGraphs.Tensor("y", TensorProto.Types.DataType.Float16, 2));
        var folder = Import(OnnxGraphs.Model(graph), OnnxImportOptions.Default);

        using var predictor = PredictorLoader.Default.Load(folder);
        predictor.WarmUp(2);
        Assert.Equal(DType.Float16, predictor.Signature.Inputs[0].DType);
        var x = Tensor.FromArray(new[] { 1f, 2, 3, 4, 0, 0, 0, 1 }.Select(v => (Half)v).ToArray(), 2, 4);
        var y = predictor.Predict(new TensorSet([x]))[0];

        Assert.Equal(DType.Float16, y.DType);
        float[] want = [4f, 5f, .6f, .7f];
        var got = y.ToArray();
        for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) < 2e-3, $"y[{i}] = {got[i]}, want {want[i]}");
    }

    [Fact]
    public void BoolMaskGraph_TakesItsMaskAsUInt8_AndKeepsTheBoolThroughItsFolder()
    {
        // x: (N,3) float, mask: (N,3) bool → Where(mask, x, 0) → y: (N,3) float, and the mask itself back as an output
        var zero = new TensorProto { Name = "zero", DataType = (int)TensorProto.Types.DataType.Float, FloatData = { 0f } };
        var graph = new GraphProto
        {
            Name = "masked",
            Node =
            {
                new NodeProto { OpType = "Where", Input = { "mask", "x", "zero" }, Output = { "y" } },
                new NodeProto { OpType = "Identity", Input = { "mask" }, Output = { "kept" } },
            },
            Initializer = { zero },
        };
        graph.Input.Add(OnnxGraphs.Tensor("x", TensorProto.Types.DataType.Float, 3));
        graph.Input.Add(OnnxGraphs.Tensor("mask", TensorProto.Types.DataType.Bool, 3));
        graph.Output.Add(OnnxGraphs.Tensor("y", TensorProto.Types.DataType.Float, 3));
        graph.Output.Add(OnnxGraphs.Tensor("kept", TensorProto.Types.DataType.Bool, 3));
        var folder = Import(OnnxGraphs.Model(graph), OnnxImportOptions.Default);

        var info = OnnxModelFolder.ReadInfo(folder);
        Assert.Equal((DType.UInt8, true), (info.Inputs[1].DType, info.Inputs[1].IsBool));
        using var predictor = PredictorLoader.Default.Load(folder);
        predictor.WarmUp(2);
        var outputs = predictor.Predict(new TensorSet([Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3), Tensor.FromArray(new byte[] { 1, 0, 1, 0, 0, 1 }, 2, 3)]));

        Assert.Equal([1f, 0, 3, 0, 0, 6], outputs[0].ToArray());
        Assert.Equal(DType.UInt8, outputs[1].DType);
        Assert.Equal(new byte[] { 1, 0, 1, 0, 0, 1 }, outputs[1].ToArray<byte>());
    }

    private string Import(ModelProto model, OnnxImportOptions options)
    {
        var folder = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        OnnxImporter.Import(Write(model, "classifier.onnx"), folder, options);
        return folder;
    }

    private string Write(ModelProto model, string name)
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    // float_input (N,4) → LinearClassifier (the first three features as the three classes' scores, softmax) → label (N), probabilities (N,3)
    private static ModelProto LinearClassifier()
    {
        var node = new NodeProto { OpType = "LinearClassifier", Domain = "ai.onnx.ml", Input = { "float_input" }, Output = { "label", "probabilities" } };
        node.Attribute.Add(new AttributeProto { Name = "coefficients", Type = AttributeProto.Types.AttributeType.Floats, Floats = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 } });
        node.Attribute.Add(new AttributeProto { Name = "intercepts", Type = AttributeProto.Types.AttributeType.Floats, Floats = { 0, 0, 0 } });
        node.Attribute.Add(new AttributeProto { Name = "classlabels_ints", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 1, 2 } });
        node.Attribute.Add(new AttributeProto { Name = "post_transform", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("SOFTMAX") });
        var graph = new GraphProto { Name = "sklearn-like", Node = { node } };
        graph.Input.Add(OnnxGraphs.Tensor("float_input", TensorProto.Types.DataType.Float, 4));
        graph.Output.Add(OnnxGraphs.Tensor("label", TensorProto.Types.DataType.Int64, null));
        graph.Output.Add(OnnxGraphs.Tensor("probabilities", TensorProto.Types.DataType.Float, 3));
        return OnnxGraphs.Model(graph, ml: true);
    }

    private static float[] Softmax(ReadOnlySpan<float> z)
    {
        float max = z[0];
        foreach (float v in z) max = Math.Max(max, v);
        var e = new float[z.Length];
        float sum = 0;
        for (int i = 0; i < z.Length; i++) sum += e[i] = MathF.Exp(z[i] - max);
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }
}
