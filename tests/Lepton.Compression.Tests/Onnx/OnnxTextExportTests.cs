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

/// <summary>Transformer text models export with symbolic lengths and padding masks, and ONNX Runtime computes what Lepton does.</summary>
public class OnnxTextExportTests
{
    private static readonly InputSpec[] TextInputs = [new("ids", [-1, -1], DType.Int32), new("mask", [-1, -1])];

    [Theory]
    [InlineData(5)]
    [InlineData(11)]
    public void TextTransformerPreset_WithPadding_MatchesLeptonTo1e4_AtAnyLength(int length)
    {
        var model = TextPresets.Build("text-transformer", vocabSize: 50, classes: 4, maxLength: 32, new Generator(7));
        // Row 0 is full; row 1 is padded after 3 tokens; padded ids are arbitrary and must not matter.
        var ids = new int[2 * length];
        var mask = new float[2 * length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (i * 7 + 3) % 50;
            mask[i] = i < length || i - length < 3 ? 1 : 0;
        }
        var (idsT, maskT) = (Tensor.FromArray(ids, 2, length), Tensor.FromArray(mask, 2, length));

        var onnx = OnnxExporter.Export(model, TextInputs, ["logits"]);

        var expected = Forward(model, idsT, maskT);
        var actual = OrtCheck.Run(onnx, ("ids", idsT), ("mask", maskT))[0];
        Assert.True(OrtCheck.MaxAbsDiff(expected, actual) < 1e-4, $"max |Lepton - ORT| = {OrtCheck.MaxAbsDiff(expected, actual):G3}");
    }

    [Fact]
    public void TextTransformerPreset_DeclaresSymbolicLengthsAndFixedClassCount()
    {
        var model = TextPresets.Build("text-transformer", 50, 4, 32, new Generator(7));

        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.Export(model, TextInputs, ["logits"]));

        var ids = proto.Graph.Input.Single(i => i.Name == "ids").Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Int32, ids.ElemType);
        Assert.Equal(["N", "ids_dim1"], ids.Shape.Dim.Select(d => d.DimParam));
        var logits = proto.Graph.Output.Single().Type.TensorType.Shape.Dim;
        Assert.Equal(("N", 4L), (logits[0].DimParam, logits[1].DimValue));
        Assert.Contains(proto.Graph.Initializer, i => i.Name == "encoder.layers.1.self_attn.in_proj_weight_q_t");
    }

    [Fact]
    public void PreNormCausalGeluEncoder_WithSinusoidalPositionsAndFinalNorm_Matches()
    {
        // x (N,T,8) → sinusoidal positions → 2 pre-norm causal GELU layers + final LayerNorm → mean over T (N,8)
        var model = new Sequential(
            new SinusoidalPositionalEmbedding(8),
            new TransformerEncoder(2, 8, 2, new TransformerEncoderLayerOptions(DimFeedforward: 16, Activation: "gelu", NormFirst: true, Causal: true),
                finalNorm: true, new Generator(3)),
            new MaskedMeanPool());
        var x = Tensor.Randn(new Shape(3, 7, 8), new Generator(4));

        var onnx = OnnxExporter.Export(model, [new InputSpec("x", [-1, -1, 8])], ["y"]);

        var expected = Forward(model, x);
        Assert.True(OrtCheck.MaxAbsDiff(expected, OrtCheck.Run(onnx, ("x", x))[0]) < 1e-4);
    }

    [Fact]
    public void MultiheadAttention_QueryKeyValueAndMask_Matches()
    {
        var attention = new MultiheadAttention(8, 4, rng: new Generator(5));
        var inputs = new InputSpec[] { new("q", [-1, 3, 8]), new("k", [-1, 6, 8]), new("v", [-1, 6, 8]), new("m", [-1, 6]) };
        var (q, k, v) = (Tensor.Randn(new Shape(2, 3, 8), new Generator(1)), Tensor.Randn(new Shape(2, 6, 8), new Generator(2)),
            Tensor.Randn(new Shape(2, 6, 8), new Generator(3)));
        var m = Tensor.FromArray(new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, 2, 6);

        var onnx = OnnxExporter.Export(attention, inputs, ["y"]);

        float[] expected;
        attention.Eval();
        using (new NoGrad()) expected = attention.ForwardMany([q, k, v, m])[0].ToArray();
        Assert.True(OrtCheck.MaxAbsDiff(expected, OrtCheck.Run(onnx, ("q", q), ("k", k), ("v", v), ("m", m))[0]) < 1e-4);
    }

    [Theory]
    [InlineData("text-bow", "EmbeddingBag")]
    [InlineData("text-lstm", "LSTM")]
    public void TextPresetsWithoutAnOnnxForm_AreErrorsNamingTheLayer(string preset, string layer)
    {
        var model = TextPresets.Build(preset, 50, 4, 32, new Generator(7));

        var error = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, TextInputs, ["logits"]));

        Assert.Contains($"({layer}) has no ONNX form", error.Message);
        Assert.Contains("TransformerEncoder", error.Message);
    }

    private static float[] Forward(Module model, params Tensor[] inputs)
    {
        var modes = model.SaveModes();
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            return model.ForwardMany(inputs)[0].ToArray();
        }
        finally
        {
            model.RestoreModes(modes);
        }
    }
}
