using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>A lookup table of vectors, as torch.nn.Embedding: weight (V,D) initialized N(0,1); ids Int32 (...) → (..., D).</summary>
public sealed class Embedding : Module, ILayerConfig
{
    private readonly Parameter _weight;

    public Embedding(int numEmbeddings, int embeddingDim, Generator? rng = null)
    {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentException($"Embedding needs num_embeddings and embedding_dim > 0, got ({numEmbeddings}, {embeddingDim}).");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        var w = Tensor.Zeros(numEmbeddings, embeddingDim);
        Init.Normal(w, rng ?? LayerDefaults.NextLayerGenerator(), 0, 1);
        _weight = RegisterParameter("weight", w);
    }

    public int NumEmbeddings { get; }

    public int EmbeddingDim { get; }

    public Parameter Weight => _weight;

    public override Tensor Forward(Tensor ids)
    {
        if (ids.DType != DType.Int32)
            throw new ArgumentException($"Embedding(num_embeddings={NumEmbeddings}) expects Int32 ids, got {ids.DType} input {ids.Shape}. Convert with ids.To(DType.Int32).");
        foreach (var id in ids.ToIntArray())
            if ((uint)id >= (uint)NumEmbeddings)
                throw new IndexValueException($"Embedding(num_embeddings={NumEmbeddings}) got id {id}; ids must be in [0, {NumEmbeddings - 1}].");
        return _weight.Value.Embedding(ids);
    }

    public JsonObject GetConfig() => new() { ["num_embeddings"] = NumEmbeddings, ["embedding_dim"] = EmbeddingDim };

    public override string ToString() => $"Embedding({NumEmbeddings}, {EmbeddingDim})";
}
