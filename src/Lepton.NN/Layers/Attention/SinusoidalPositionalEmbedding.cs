using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Adds the fixed sine/cosine position code of "Attention Is All You Need": pe[t, 2i] = sin(t / 10000^(2i/E)),
/// pe[t, 2i+1] = cos(t / 10000^(2i/E)); x (N,T,E) → x + pe[:T]. No parameters; the table is rebuilt per length and dtype.
/// </summary>
public sealed class SinusoidalPositionalEmbedding : Module, ILayerConfig
{
    private Tensor? _table;

    public SinusoidalPositionalEmbedding(int embeddingDim)
    {
        if (embeddingDim <= 0) throw new ArgumentException($"SinusoidalPositionalEmbedding needs embedding_dim > 0, got {embeddingDim}.");
        EmbeddingDim = embeddingDim;
    }

    public int EmbeddingDim { get; }

    /// <summary>The (T,E) code for positions 0..T-1.</summary>
    public static Tensor Table(int length, int dim, DType dtype = DType.Float32)
    {
        var pe = new double[length * dim];
        for (int t = 0; t < length; t++)
            for (int j = 0; j < dim; j++)
            {
                double angle = t / Math.Pow(10000, (j - j % 2) / (double)dim);
                pe[t * dim + j] = j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
            }
        return Tensor.FromArray(pe, length, dim).To(dtype);
    }

    // x: (N,T,E) → (N,T,E)
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 3 || x.Shape[2] != EmbeddingDim)
            throw new ArgumentException($"SinusoidalPositionalEmbedding(embedding_dim={EmbeddingDim}) expected input (N,T,{EmbeddingDim}), got {x.Shape}.");
        var table = _table;
        if (table is null || table.Shape[0] != x.Shape[1] || table.DType != x.DType)
            _table = table = Table(x.Shape[1], EmbeddingDim, x.DType);
        return x.Add(table);
    }

    public JsonObject GetConfig() => new() { ["embedding_dim"] = EmbeddingDim };

    public override string ToString() => $"SinusoidalPositionalEmbedding({EmbeddingDim})";
}
