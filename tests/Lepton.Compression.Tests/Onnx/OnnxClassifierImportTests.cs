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
/// output, ai.onnx.ml operators) imports with --classes: its probabilities become the served class scores.
/// </summary>
public sealed class OnnxClassifierImportTests : IDisposable
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
        twice.Graph.Output.Add(Value("copy", TensorProto.Types.DataType.Float, 3));
        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.Inspect(Write(twice, "twice.onnx"), new OnnxImportOptions(["a", "b", "c"])));
        Assert.Contains("need exactly one float32 output (N, 3) of logits or probabilities", error.Message);
        Assert.Contains("'copy' Float32 [-1,3]", error.Message);
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
        graph.Input.Add(Value("float_input", TensorProto.Types.DataType.Float, 4));
        graph.Output.Add(Value("label", TensorProto.Types.DataType.Int64, null));
        graph.Output.Add(Value("probabilities", TensorProto.Types.DataType.Float, 3));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 3 });
        return model;
    }

    // A tensor (N) or (N, width) with a symbolic batch axis.
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, int? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        if (width is { } w) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
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
