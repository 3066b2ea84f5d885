using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Layers;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>
/// Sequence layers against PyTorch (tools/fixtures/nn_sequence.py): the fixture's state dict loads into the Lepton layer
/// unchanged, and outputs, final states and the gradients of the input and every parameter agree to 1e-5 in Float32.
/// </summary>
public class SequenceLayerParityTests
{
    private static readonly JsonObject Cases = (JsonObject)Fixtures.Json("nn_sequence.json")["cases"]!;

    [Theory]
    [InlineData("lstm_plain")]
    [InlineData("lstm_bi2_lengths")]
    [InlineData("gru_plain")]
    [InlineData("gru_bi2_lengths")]
    public void Recurrent_PyTorchStateDict_MatchesOutputsStatesAndGradients(string name)
    {
        var c = Cases[name]!;
        var options = new RecurrentOptions(c["num_layers"]!.GetValue<int>(), Bidirectional: c["bidirectional"]!.GetValue<bool>());
        int inputSize = c["input_size"]!.GetValue<int>(), hidden = c["hidden_size"]!.GetValue<int>();
        RecurrentLayer layer = name.StartsWith("lstm", StringComparison.Ordinal)
            ? new LSTM(inputSize, hidden, options, new Generator(1))
            : new GRU(inputSize, hidden, options, new Generator(1));
        LoadStrict(layer, c);
        var x = Fixtures.Tensor(c["input"]).RequireGrad();
        Tensor? lengths = c["lengths"] is JsonArray a ? Tensor.FromArray(a.Select(v => v!.GetValue<int>()).ToArray()) : null;
        var r = layer.Run(x, lengths);
        Close.Assert(Fixtures.Tensor(c["output"]), r.Output, what: name + " output");
        Close.Assert(Fixtures.Tensor(c["h_n"]), r.H, what: name + " h_n");
        var loss = r.Output.Mul(Fixtures.Tensor(c["upstream_output"])).Sum().Add(r.H.Mul(Fixtures.Tensor(c["upstream_h"])).Sum());
        if (r.C is not null)
        {
            Close.Assert(Fixtures.Tensor(c["c_n"]), r.C, what: name + " c_n");
            loss = loss.Add(r.C.Mul(Fixtures.Tensor(c["upstream_c"])).Sum());
        }
        AssertGradients(name, c, layer, x, loss);
    }

    [Theory]
    [InlineData("mha_padding")]
    [InlineData("mha_padding_causal")]
    public void MultiheadAttention_PyTorchStateDict_MatchesOutputAndGradients(string name)
    {
        var c = Cases[name]!;
        var layer = new MultiheadAttention(c["embed_dim"]!.GetValue<int>(), c["num_heads"]!.GetValue<int>(),
            new MultiheadAttentionOptions(Causal: c["causal"]!.GetValue<bool>()), new Generator(1));
        LoadStrict(layer, c);
        var x = Fixtures.Tensor(c["input"]).RequireGrad();
        var y = layer.Attend(x, x, x, Fixtures.Tensor(c["mask"]));
        Close.Assert(Fixtures.Tensor(c["output"]), y, what: name + " output");
        AssertGradients(name, c, layer, x, y.Mul(Fixtures.Tensor(c["upstream"])).Sum());
    }

    [Theory]
    [InlineData("encoder_layer_post_relu")]
    [InlineData("encoder_layer_post_gelu")]
    [InlineData("encoder_layer_pre_relu")]
    [InlineData("encoder_layer_pre_gelu")]
    [InlineData("encoder_pre_gelu_two_layers")]
    public void TransformerEncoder_PyTorchStateDict_MatchesOutputAndGradients(string name)
    {
        var c = Cases[name]!;
        var options = new TransformerEncoderLayerOptions(c["dim_feedforward"]!.GetValue<int>(), Dropout: 0,
            Activation: c["activation"]!.GetValue<string>(), NormFirst: c["norm_first"]!.GetValue<bool>());
        int dModel = c["d_model"]!.GetValue<int>(), heads = c["nhead"]!.GetValue<int>();
        var x = Fixtures.Tensor(c["input"]).RequireGrad();
        var mask = Fixtures.Tensor(c["mask"]);
        Module layer;
        Tensor y;
        if (c["num_layers"] is { } layers)
        {
            var encoder = new TransformerEncoder(layers.GetValue<int>(), dModel, heads, options, c["final_norm"]!.GetValue<bool>(), new Generator(1));
            LoadStrict(encoder, c);
            (layer, y) = (encoder, encoder.Encode(x, mask));
        }
        else
        {
            var one = new TransformerEncoderLayer(dModel, heads, options, new Generator(1));
            LoadStrict(one, c);
            (layer, y) = (one, one.Encode(x, mask));
        }
        Close.Assert(Fixtures.Tensor(c["output"]), y, what: name + " output");
        AssertGradients(name, c, layer, x, y.Mul(Fixtures.Tensor(c["upstream"])).Sum());
    }

    [Fact]
    public void EmbeddingBag_OffsetsMean_MatchesPyTorch()
    {
        var c = Cases["embedding_bag_mean"]!;
        var bag = new EmbeddingBag(c["num_embeddings"]!.GetValue<int>(), c["embedding_dim"]!.GetValue<int>(), rng: new Generator(1));
        LoadStrict(bag, c);
        var ids = Fixtures.Tensor(c["ids"], DType.Int32);
        var y = bag.ForwardOffsets(ids, c["offsets"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray());
        Close.Assert(Fixtures.Tensor(c["output"]), y, what: "bag output");
        var g = y.Mul(Fixtures.Tensor(c["upstream"])).Sum().Backward();
        Close.Assert(Fixtures.Tensor(c["grad_params"]!["weight"]), g.Get(bag.Weight.Value), what: "bag grad weight");
    }

    private static void LoadStrict(Module layer, JsonNode c) =>
        layer.LoadStateDict(c["params"]!.AsObject().ToDictionary(kv => kv.Key, kv => Fixtures.Tensor(kv.Value)), strict: true);

    private static void AssertGradients(string name, JsonNode c, Module layer, Tensor x, Tensor loss)
    {
        var grads = loss.Backward();
        Close.Assert(Fixtures.Tensor(c["grad_input"]), grads.Get(x), what: name + " grad input");
        foreach (var (n, p) in layer.NamedParameters())
            Close.Assert(Fixtures.Tensor(c["grad_params"]![n]), grads.Get(p.Value), what: $"{name} grad {n}");
    }
}
