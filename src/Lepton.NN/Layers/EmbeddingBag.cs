using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Options of <see cref="EmbeddingBag"/>: Mode "mean" or "sum"; NgramBuckets &gt; 0 adds fastText's hashed bigrams,
/// each pair of neighbouring real tokens (a, b) looking up row V + (a·116049371 + b) mod NgramBuckets.
/// </summary>
public sealed record EmbeddingBagOptions(string Mode = "mean", int NgramBuckets = 0);

/// <summary>
/// A bag of token (and hashed bigram) vectors reduced to one per sequence, as torch.nn.EmbeddingBag(mode="mean") and
/// fastText's input layer: weight (V + buckets, D) initialized N(0,1). Inputs: ids (N,T) Int32 and optionally a padding
/// mask (N,T) with 1 for real tokens → (N,D); <see cref="ForwardOffsets"/> takes torch's flat ids and offsets.
/// </summary>
public sealed class EmbeddingBag : Module, ILayerConfig
{
    /// <summary>fastText's multiplier for hashing word n-grams.</summary>
    public const ulong BigramHashMultiplier = 116049371;

    private readonly Parameter _weight;

    public EmbeddingBag(int numEmbeddings, int embeddingDim, EmbeddingBagOptions? options = null, Generator? rng = null)
    {
        Options = options ?? new EmbeddingBagOptions();
        if (numEmbeddings <= 0 || embeddingDim <= 0 || Options.NgramBuckets < 0)
            throw new ArgumentException($"EmbeddingBag needs num_embeddings, embedding_dim > 0 and ngram_buckets >= 0, got ({numEmbeddings}, {embeddingDim}, {Options.NgramBuckets}).");
        if (Options.Mode is not ("mean" or "sum"))
            throw new ArgumentException($"EmbeddingBag mode must be \"mean\" or \"sum\", got \"{Options.Mode}\".");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        var w = Tensor.Zeros(numEmbeddings + Options.NgramBuckets, embeddingDim);
        Init.Normal(w, rng ?? LayerDefaults.NextLayerGenerator(), 0, 1);
        _weight = RegisterParameter("weight", w);
    }

    public int NumEmbeddings { get; }

    public int EmbeddingDim { get; }

    public EmbeddingBagOptions Options { get; }

    public Parameter Weight => _weight;

    public override int InputArity => -1;

    public override Tensor Forward(Tensor ids) => Bag(ids, null);

    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs) => inputs.Count switch
    {
        1 => [Bag(inputs[0], null)],
        2 => [Bag(inputs[0], inputs[1])],
        _ => throw new ArgumentException($"EmbeddingBag takes ids (N,T) and optionally a mask (N,T), got {inputs.Count} inputs."),
    };

    /// <summary>The row of the bigram (a, b) in the weight table.</summary>
    public int BigramRow(int a, int b) => NumEmbeddings + (int)(((ulong)(uint)a * BigramHashMultiplier + (uint)b) % (ulong)Options.NgramBuckets);

    /// <summary>torch.nn.EmbeddingBag's form: flat ids (K) cut into N bags starting at offsets (N, ascending from 0) → (N,D).</summary>
    public Tensor ForwardOffsets(Tensor ids, int[] offsets)
    {
        if (ids.Rank != 1) throw new ArgumentException($"EmbeddingBag.ForwardOffsets expected flat ids (K), got {ids.Shape}.");
        var flat = ids.ToIntArray();
        int n = offsets.Length;
        for (int i = 0; i < n; i++)
            if (offsets[i] < 0 || offsets[i] > flat.Length || (i > 0 && offsets[i] < offsets[i - 1]) || (i == 0 && offsets[0] != 0))
                throw new ArgumentException($"EmbeddingBag: offsets must start at 0 and ascend within [0, {flat.Length}], got [{string.Join(", ", offsets)}].");
        int longest = 0;
        for (int i = 0; i < n; i++) longest = Math.Max(longest, (i + 1 < n ? offsets[i + 1] : flat.Length) - offsets[i]);
        var padded = new int[n * Math.Max(longest, 1)];
        var mask = new float[padded.Length];
        int width = Math.Max(longest, 1);
        for (int i = 0; i < n; i++)
        {
            int end = i + 1 < n ? offsets[i + 1] : flat.Length;
            for (int j = offsets[i]; j < end; j++)
            {
                padded[i * width + j - offsets[i]] = flat[j];
                mask[i * width + j - offsets[i]] = 1;
            }
        }
        return Bag(Tensor.FromArray(padded, n, width), Tensor.FromArray(mask, n, width));
    }

    // ids (N,T) Int32, mask (N,T) or null → (N,D)
    private Tensor Bag(Tensor ids, Tensor? mask)
    {
        if (ids.DType != DType.Int32 || ids.Rank != 2)
            throw new ArgumentException($"EmbeddingBag(num_embeddings={NumEmbeddings}) expects Int32 ids (N,T), got {ids.DType} {ids.Shape}. Convert with ids.To(DType.Int32).");
        int n = ids.Shape[0], t = ids.Shape[1];
        if (mask is not null && (mask.Rank != 2 || mask.Shape[0] != n || mask.Shape[1] != t))
            throw new ArgumentException($"EmbeddingBag expected a mask ({n},{t}) for ids {ids.Shape}, got {mask.Shape}.");
        var id = ids.ToIntArray();
        var real = mask?.ToDoubleArray();
        int buckets = Options.NgramBuckets, width = buckets > 0 ? Math.Max(2 * t - 1, 1) : t;
        var rows = new int[n * width];
        var weights = new double[n * width];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < t; j++)
            {
                int k = i * t + j;
                if (real is not null && real[k] == 0) continue;
                if ((uint)id[k] >= (uint)NumEmbeddings)
                    throw new IndexValueException($"EmbeddingBag(num_embeddings={NumEmbeddings}) got id {id[k]}; ids must be in [0, {NumEmbeddings - 1}].");
                rows[i * width + j] = id[k];
                weights[i * width + j] = 1;
                // The bigram of this token and the next real one.
                if (buckets > 0 && j + 1 < t && (real is null || real[k + 1] != 0))
                {
                    rows[i * width + t + j] = BigramRow(id[k], id[k + 1]);
                    weights[i * width + t + j] = 1;
                }
            }
        }
        var dtype = _weight.Value.DType;
        var m = Tensor.FromArray(weights, n, width, 1).To(dtype);
        var summed = _weight.Value.Embedding(Tensor.FromArray(rows, n, width)).Mul(m).Sum(1); // (N,D)
        return Options.Mode == "sum" ? summed : summed.Div(m.Sum(1).Clamp(min: 1));
    }

    public JsonObject GetConfig() => new()
    {
        ["num_embeddings"] = NumEmbeddings,
        ["embedding_dim"] = EmbeddingDim,
        ["mode"] = Options.Mode,
        ["ngram_buckets"] = Options.NgramBuckets,
    };

    public override string ToString() => $"EmbeddingBag({NumEmbeddings}, {EmbeddingDim}, mode={Options.Mode}, ngram_buckets={Options.NgramBuckets})";
}
