using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Adds a trained vector per position: x (N,T,E) + weight[:T] with weight (max_length, E) initialized N(0, 0.02) (BERT's and
/// GPT-2's position tables).
/// </summary>
public sealed class LearnedPositionalEmbedding : Module, ILayerConfig
{
    private readonly Parameter _weight;

    public LearnedPositionalEmbedding(int maxLength, int embeddingDim, Generator? rng = null)
    {
        if (maxLength <= 0 || embeddingDim <= 0)
            throw new ArgumentException($"LearnedPositionalEmbedding needs max_length and embedding_dim > 0, got ({maxLength}, {embeddingDim}).");
        MaxLength = maxLength;
        EmbeddingDim = embeddingDim;
        var w = Tensor.Zeros(maxLength, embeddingDim);
        Init.Normal(w, rng ?? LayerDefaults.NextLayerGenerator(), 0, 0.02);
        _weight = RegisterParameter("weight", w);
    }

    public int MaxLength { get; }

    public int EmbeddingDim { get; }

    public Parameter Weight => _weight;

    // x: (N,T,E) → (N,T,E)
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 3 || x.Shape[2] != EmbeddingDim || x.Shape[1] > MaxLength)
            throw new ArgumentException($"LearnedPositionalEmbedding(max_length={MaxLength}, embedding_dim={EmbeddingDim}) expected input (N,T,{EmbeddingDim}) with T ≤ {MaxLength}, got {x.Shape}."
                + (x.Rank == 3 && x.Shape[1] > MaxLength ? $" Truncate sequences to {MaxLength} tokens or raise max_length." : ""));
        return x.Add(_weight.Value.Slice(0, 0, x.Shape[1]));
    }

    public JsonObject GetConfig() => new() { ["max_length"] = MaxLength, ["embedding_dim"] = EmbeddingDim };

    public override string ToString() => $"LearnedPositionalEmbedding({MaxLength}, {EmbeddingDim})";
}
