using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Layers;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>
/// Sequence layers against PyTorch (tools/fixtures/nn_sequence.py, float64): the fixture's state dict loads into the Lepton
/// layer unchanged, and outputs, final states and the gradients of the input and every parameter agree to 1e-9 in Float64
/// (the same function) and to 1e-4 in Float32 (the fused SIMD kernels; float32 rounding of sums with cancellation reaches
/// about 1e-5 on gradients near 0.02).
/// </summary>
public class SequenceLayerParityTests
{
    private static readonly JsonObject Cases = (JsonObject)Fixtures.Json("nn_sequence.json")["cases"]!;

    public static TheoryData<string, DType> Recurrent => Product(["lstm_plain", "lstm_bi2_lengths", "gru_plain", "gru_bi2_lengths"]);

    public static TheoryData<string, DType> Attention => Product(["mha_padding", "mha_padding_causal"]);

    public static TheoryData<string, DType> Encoders => Product(["encoder_layer_post_relu", "encoder_layer_post_gelu",
        "encoder_layer_pre_relu", "encoder_layer_pre_gelu", "encoder_pre_gelu_two_layers"]);

    private static TheoryData<string, DType> Product(string[] names)
    {
        var data = new TheoryData<string, DType>();
        foreach (var n in names)
            foreach (var d in new[] { DType.Float64, DType.Float32 }) data.Add(n, d);
        return data;
    }

    private static double Tolerance(DType dtype) => dtype == DType.Float64 ? 1e-9 : 1e-4;

    private static Tensor T(JsonNode? node, DType dtype) => Fixtures.Tensor(node, dtype);

    [Theory]
    [MemberData(nameof(Recurrent))]
    public void Recurrent_PyTorchStateDict_MatchesOutputsStatesAndGradients(string name, DType dtype)
    {
        double tol = Tolerance(dtype);
        var c = Cases[name]!;
        var options = new RecurrentOptions(c["num_layers"]!.GetValue<int>(), Bidirectional: c["bidirectional"]!.GetValue<bool>());
        int inputSize = c["input_size"]!.GetValue<int>(), hidden = c["hidden_size"]!.GetValue<int>();
        RecurrentLayer layer = name.StartsWith("lstm", StringComparison.Ordinal)
            ? new LSTM(inputSize, hidden, options, new Generator(1))
            : new GRU(inputSize, hidden, options, new Generator(1));
        LoadStrict(layer, c, dtype);
        var x = T(c["input"], dtype).RequireGrad();
        Tensor? lengths = c["lengths"] is JsonArray a ? Tensor.FromArray(a.Select(v => v!.GetValue<int>()).ToArray()) : null;
        var r = layer.Run(x, lengths);
        Close.Assert(T(c["output"], dtype), r.Output, tol, what: name + " output");
        Close.Assert(T(c["h_n"], dtype), r.H, tol, what: name + " h_n");
        var loss = r.Output.Mul(T(c["upstream_output"], dtype)).Sum().Add(r.H.Mul(T(c["upstream_h"], dtype)).Sum());
        if (r.C is not null)
        {
            Close.Assert(T(c["c_n"], dtype), r.C, tol, what: name + " c_n");
            loss = loss.Add(r.C.Mul(T(c["upstream_c"], dtype)).Sum());
        }
        AssertGradients(name, c, layer, x, loss, dtype);
    }

    [Theory]
    [MemberData(nameof(Attention))]
    public void MultiheadAttention_PyTorchStateDict_MatchesOutputAndGradients(string name, DType dtype)
    {
        var c = Cases[name]!;
        var layer = new MultiheadAttention(c["embed_dim"]!.GetValue<int>(), c["num_heads"]!.GetValue<int>(),
            new MultiheadAttentionOptions(Causal: c["causal"]!.GetValue<bool>()), new Generator(1));
        LoadStrict(layer, c, dtype);
        var x = T(c["input"], dtype).RequireGrad();
        var y = layer.Attend(x, x, x, Fixtures.Tensor(c["mask"]));
        Close.Assert(T(c["output"], dtype), y, Tolerance(dtype), what: name + " output");
        AssertGradients(name, c, layer, x, y.Mul(T(c["upstream"], dtype)).Sum(), dtype);
    }

    [Theory]
    [MemberData(nameof(Encoders))]
    public void TransformerEncoder_PyTorchStateDict_MatchesOutputAndGradients(string name, DType dtype)
    {
        var c = Cases[name]!;
        var options = new TransformerEncoderLayerOptions(c["dim_feedforward"]!.GetValue<int>(), Dropout: 0,
            Activation: c["activation"]!.GetValue<string>(), NormFirst: c["norm_first"]!.GetValue<bool>());
        int dModel = c["d_model"]!.GetValue<int>(), heads = c["nhead"]!.GetValue<int>();
        var x = T(c["input"], dtype).RequireGrad();
        var mask = Fixtures.Tensor(c["mask"]);
        Module layer;
        Tensor y;
        if (c["num_layers"] is { } layers)
        {
            var encoder = new TransformerEncoder(layers.GetValue<int>(), dModel, heads, options, c["final_norm"]!.GetValue<bool>(), new Generator(1));
            LoadStrict(encoder, c, dtype);
            (layer, y) = (encoder, encoder.Encode(x, mask));
        }
        else
        {
            var one = new TransformerEncoderLayer(dModel, heads, options, new Generator(1));
            LoadStrict(one, c, dtype);
            (layer, y) = (one, one.Encode(x, mask));
        }
        Close.Assert(T(c["output"], dtype), y, Tolerance(dtype), what: name + " output");
        AssertGradients(name, c, layer, x, y.Mul(T(c["upstream"], dtype)).Sum(), dtype);
    }

    [Fact]
    public void EmbeddingBag_OffsetsMean_MatchesPyTorch()
    {
        var c = Cases["embedding_bag_mean"]!;
        var bag = new EmbeddingBag(c["num_embeddings"]!.GetValue<int>(), c["embedding_dim"]!.GetValue<int>(), rng: new Generator(1));
        LoadStrict(bag, c, DType.Float32);
        var ids = Fixtures.Tensor(c["ids"], DType.Int32);
        var y = bag.ForwardOffsets(ids, c["offsets"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray());
        Close.Assert(Fixtures.Tensor(c["output"]), y, what: "bag output");
        var g = y.Mul(Fixtures.Tensor(c["upstream"])).Sum().Backward();
        Close.Assert(Fixtures.Tensor(c["grad_params"]!["weight"]), g.Get(bag.Weight.Value), what: "bag grad weight");
    }

    private static void LoadStrict(Module layer, JsonNode c, DType dtype)
    {
        layer.To(dtype);
        layer.LoadStateDict(c["params"]!.AsObject().ToDictionary(kv => kv.Key, kv => T(kv.Value, dtype)), strict: true);
    }

    private static void AssertGradients(string name, JsonNode c, Module layer, Tensor x, Tensor loss, DType dtype)
    {
        double tol = Tolerance(dtype);
        var grads = loss.Backward();
        Close.Assert(T(c["grad_input"], dtype), grads.Get(x), tol, what: name + " grad input");
        foreach (var (n, p) in layer.NamedParameters())
            Close.Assert(T(c["grad_params"]![n], dtype), grads.Get(p.Value), tol, what: $"{name} grad {n}");
    }
}
