using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>What the sequence layers promise beyond PyTorch parity: padding never changes a result, masks mean what they say.</summary>
public class SequenceLayerTests
{
    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void Recurrent_PaddedBatchWithLengths_EqualsEachSequenceAlone(string type)
    {
        var options = new RecurrentOptions(NumLayers: 2, Bidirectional: true);
        RecurrentLayer layer = type == "LSTM" ? new LSTM(3, 5, options, new Generator(1)) : new GRU(3, 5, options, new Generator(1));
        int[] lengths = [6, 2, 4];
        // Padding holds large values: any leak into a result shows.
        var x = Tensor.Randn(new Shape(3, 6, 3), new Generator(2));
        var xs = x.ToArray();
        for (int n = 0; n < 3; n++)
            for (int t = lengths[n]; t < 6; t++)
                for (int c = 0; c < 3; c++) xs[(n * 6 + t) * 3 + c] = 100f;
        x = Tensor.FromArray(xs, 3, 6, 3);
        using var _ = new NoGrad();
        var batch = layer.Run(x, Tensor.FromArray(lengths));
        for (int n = 0; n < 3; n++)
        {
            var alone = layer.Run(x.Slice(0, n, n + 1).Slice(1, 0, lengths[n]).Contiguous());
            for (int t = 0; t < 6; t++)
                for (int k = 0; k < 10; k++)
                {
                    double expected = t < lengths[n] ? alone.Output[0, t, k] : 0;
                    Assert.Equal(expected, batch.Output[n, t, k], 5);
                }
            for (int s = 0; s < 4; s++)
                for (int k = 0; k < 5; k++)
                {
                    Assert.Equal(alone.H[s, 0, k], batch.H[s, n, k], 5);
                    if (batch.C is not null) Assert.Equal(alone.C![s, 0, k], batch.C[s, n, k], 5);
                }
        }
    }

    [Fact]
    public void Recurrent_MaskAndLengths_GiveTheSameResult()
    {
        var lstm = new LSTM(2, 3, new RecurrentOptions(Bidirectional: true), new Generator(3));
        var x = Tensor.Randn(new Shape(2, 4, 2), new Generator(4));
        var mask = Tensor.FromArray(new float[] { 1, 1, 1, 0, 1, 0, 0, 0 }, 2, 4);
        var a = lstm.ForwardMany([x, mask]);
        var b = lstm.ForwardMany([x, Tensor.FromArray(new[] { 3, 1 })]);
        for (int i = 0; i < 3; i++) Assert.Equal(b[i].ToArray(), a[i].ToArray());
    }

    [Fact]
    public void Recurrent_DropoutBetweenLayers_AppliesOnlyInTraining()
    {
        var withDropout = new LSTM(3, 4, new RecurrentOptions(NumLayers: 2, Dropout: 0.5), new Generator(1));
        var plain = new LSTM(3, 4, new RecurrentOptions(NumLayers: 2), new Generator(2));
        plain.LoadStateDict(withDropout.StateDict());
        var x = Tensor.Randn(new Shape(2, 5, 3), new Generator(3));
        using var _ = new NoGrad();
        Assert.NotEqual(plain.Forward(x).ToArray(), withDropout.Forward(x).ToArray());
        withDropout.Eval();
        Assert.Equal(plain.Forward(x).ToArray(), withDropout.Forward(x).ToArray());
    }

    [Fact]
    public void Recurrent_InitialStates_StartEachLayerAndDirection()
    {
        var gru = new GRU(2, 3, new RecurrentOptions(NumLayers: 2, Bidirectional: true), new Generator(4));
        var x = Tensor.Randn(new Shape(2, 4, 2), new Generator(5));
        var h0 = Tensor.Randn(new Shape(4, 2, 3), new Generator(6));
        using var _ = new NoGrad();
        var zero = gru.Run(x);
        var started = gru.Run(x, h0: h0);
        Assert.NotEqual(zero.H.ToArray(), started.H.ToArray());
        var e = Assert.Throws<ArgumentException>(() => gru.Run(x, h0: Tensor.Zeros(2, 2, 3)));
        Assert.Contains("h0 must be Float32 (4,2,3)", e.Message);
    }

    [Fact]
    public void Recurrent_MaskWithARealStepAfterPadding_SaysPadOnTheRight()
    {
        var gru = new GRU(2, 3, rng: new Generator(3));
        var e = Assert.Throws<ArgumentException>(() => gru.ForwardMany([Tensor.Zeros(1, 3, 2), Tensor.FromArray(new float[] { 1, 0, 1 }, 1, 3)]));
        Assert.Contains("pad sequences on the right", e.Message);
    }

    [Fact]
    public void Recurrent_WrongInputSize_SuggestsTheRightOne()
    {
        var e = Assert.Throws<ArgumentException>(() => new LSTM(4, 3, rng: new Generator(1)).Forward(Tensor.Zeros(2, 5, 6)));
        Assert.Contains("Did you mean input_size=6?", e.Message);
    }

    [Fact]
    public void Recurrent_BatchFirstFalseInModelJson_IsRefusedWithTheReason()
    {
        var options = new JsonObject { ["input_size"] = 3, ["hidden_size"] = 4, ["batch_first"] = false };
        var e = Assert.Throws<InvalidDataException>(() => LayerRegistry.Create("LSTM", options, new Generator(0), "model.json: node 'rnn' (LSTM)"));
        Assert.Contains("batch-first", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TransformerEncoderLayer_PaddingValues_DoNotChangeRealPositions(bool normFirst)
    {
        var layer = new TransformerEncoderLayer(8, 2, new TransformerEncoderLayerOptions(16, Dropout: 0, NormFirst: normFirst), new Generator(5));
        var mask = Tensor.FromArray(new float[] { 1, 1, 1, 1, 1, 0, 0, 0 }, 2, 4);
        var x1 = Tensor.Randn(new Shape(2, 4, 8), new Generator(6));
        var data = x1.ToArray();
        for (int i = (4 + 1) * 8; i < data.Length; i++) data[i] = -50f; // sample 1, positions 1..3
        var x2 = Tensor.FromArray(data, 2, 4, 8);
        using var _ = new NoGrad();
        var y1 = layer.Encode(x1, mask);
        var y2 = layer.Encode(x2, mask);
        for (int t = 0; t < 4; t++)
            for (int k = 0; k < 8; k++) Assert.Equal(y1[0, t, k], y2[0, t, k], 5);
        for (int k = 0; k < 8; k++) Assert.Equal(y1[1, 0, k], y2[1, 0, k], 5);
    }

    [Fact]
    public void MultiheadAttention_Causal_FirstPositionSeesOnlyItself()
    {
        var attn = new MultiheadAttention(4, 2, new MultiheadAttentionOptions(Causal: true), new Generator(7));
        var x = Tensor.Randn(new Shape(1, 3, 4), new Generator(8));
        var changed = x.ToArray();
        for (int i = 4; i < 12; i++) changed[i] += 3f; // later positions only
        using var _ = new NoGrad();
        var a = attn.Forward(x);
        var b = attn.Forward(Tensor.FromArray(changed, 1, 3, 4));
        for (int k = 0; k < 4; k++) Assert.Equal(a[0, 0, k], b[0, 0, k], 6);
        Assert.NotEqual(a[0, 2, 0], b[0, 2, 0]);
    }

    [Fact]
    public void MaskedMeanPool_AveragesOnlyRealSteps()
    {
        var x = Tensor.FromArray(new float[] { 1, 10, 3, 30, 100, 1000, /* sample 1 */ 2, 4, 6, 8, 7, 7 }, 2, 3, 2);
        var mask = Tensor.FromArray(new float[] { 1, 1, 0, 0, 0, 0 }, 2, 3);
        var y = MaskedMeanPool.Pool(x, mask);
        Assert.Equal(new float[] { 2, 20, 0, 0 }, y.ToArray());
    }

    [Fact]
    public void SinusoidalPositionalEmbedding_Table_FollowsTheFormula()
    {
        var pe = SinusoidalPositionalEmbedding.Table(3, 4, DType.Float64);
        Assert.Equal(Math.Sin(1), pe[1, 0], 12);
        Assert.Equal(Math.Cos(1), pe[1, 1], 12);
        Assert.Equal(Math.Sin(2 / Math.Pow(10000, 0.5)), pe[2, 2], 12);
        Assert.Equal(Math.Cos(2 / Math.Pow(10000, 0.5)), pe[2, 3], 12);
        Assert.Equal(1.0, pe[0, 1], 12);
    }

    [Fact]
    public void EmbeddingBag_Bigrams_AverageTokensAndHashedPairs()
    {
        var bag = new EmbeddingBag(6, 2, new EmbeddingBagOptions(NgramBuckets: 5), new Generator(9));
        var w = bag.Weight.Value;
        var ids = Tensor.FromArray(new[] { 1, 2, 3, 0 }, 1, 4);
        var mask = Tensor.FromArray(new float[] { 1, 1, 1, 0 }, 1, 4);
        var y = bag.ForwardMany([ids, mask])[0];
        int[] rows = [1, 2, 3, bag.BigramRow(1, 2), bag.BigramRow(2, 3)];
        Assert.All(rows[3..], r => Assert.InRange(r, 6, 10));
        for (int k = 0; k < 2; k++) Assert.Equal(rows.Average(r => w[r, k]), y[0, k], 5);
    }

    [Fact]
    public void TransformerEncoder_StateDictNames_FollowPyTorch()
    {
        var enc = new TransformerEncoder(2, 8, 2, new TransformerEncoderLayerOptions(16), finalNorm: true, new Generator(1));
        var names = enc.StateDict().Keys.ToList();
        Assert.Equal("layers.0.self_attn.in_proj_weight", names[0]);
        Assert.Contains("layers.1.self_attn.out_proj.bias", names);
        Assert.Contains("layers.1.linear2.weight", names);
        Assert.Contains("layers.0.norm2.bias", names);
        Assert.Equal("norm.bias", names[^1]);
        Assert.Equal(2 * 12 + 2, names.Count);
    }
}

/// <summary>A text classifier written as a model.json v2 graph (ids and mask in) loads, runs and round-trips through ModelFile.</summary>
public sealed class SequenceLayerGraphTests : IDisposable
{
    private const string Json = """
        {"format_version": 2, "graph": {
          "inputs": [{"name": "ids", "shape": [-1, 6], "dtype": "int32"}, {"name": "mask", "shape": [-1, 6]}],
          "nodes": [
            {"name": "embed", "type": "Embedding", "options": {"num_embeddings": 20, "embedding_dim": 8}, "inputs": ["ids"]},
            {"name": "pos", "type": "SinusoidalPositionalEmbedding", "options": {"embedding_dim": 8}, "inputs": ["embed"]},
            {"name": "encoder", "type": "TransformerEncoder", "options": {"num_layers": 2, "d_model": 8, "nhead": 2,
              "dim_feedforward": 16, "dropout": 0.0, "norm_first": true, "final_norm": true}, "inputs": ["pos", "mask"]},
            {"name": "lstm", "type": "LSTM", "options": {"input_size": 8, "hidden_size": 4, "bidirectional": true}, "inputs": ["encoder", "mask"]},
            {"name": "pool", "type": "MaskedMeanPool", "inputs": ["lstm:0", "mask"]},
            {"name": "head", "type": "Linear", "options": {"in_features": 8, "out_features": 3}, "inputs": ["pool"]}],
          "outputs": ["head"]}}
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-nn-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void TextClassifierGraph_SavesLoadsAndIgnoresPadding()
    {
        Directory.CreateDirectory(_dir);
        var spec = ModelSpecJson.Read(Json, "model.json");
        var model = spec.BuildModel(new Generator(1));
        model.Eval();
        ModelFile.Save(_dir, model, spec);
        var loaded = ModelFile.Load(_dir).Model;
        Assert.Contains("encoder.layers.1.self_attn.in_proj_weight", loaded.StateDict().Keys);
        Assert.Contains("lstm.weight_hh_l0_reverse", loaded.StateDict().Keys);

        var ids = Tensor.FromArray(new[] { 3, 4, 5, 0, 0, 0, 7, 8, 9, 10, 11, 12 }, 2, 6);
        var otherPadding = Tensor.FromArray(new[] { 3, 4, 5, 19, 18, 17, 7, 8, 9, 10, 11, 12 }, 2, 6);
        var mask = Tensor.FromArray(new float[] { 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1 }, 2, 6);
        using var _ = new NoGrad();
        var y = loaded.ForwardMany([ids, mask])[0];
        Assert.Equal(model.ForwardMany([ids, mask])[0].ToArray(), y.ToArray());
        var y2 = loaded.ForwardMany([otherPadding, mask])[0];
        for (int k = 0; k < 6; k++) Assert.Equal(y.ToArray()[k], y2.ToArray()[k], 5);
    }
}
