using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Options of <see cref="MultiheadAttention"/>: dropout on the attention weights, and a causal mask (query i sees keys ≤ i).</summary>
public sealed record MultiheadAttentionOptions(bool Bias = true, double Dropout = 0, bool Causal = false);

/// <summary>
/// Multi-head scaled dot-product attention, batch first, as torch.nn.MultiheadAttention(batch_first=True): parameters
/// <c>in_proj_weight</c> (3E,E), <c>in_proj_bias</c> (3E), <c>out_proj.weight</c>, <c>out_proj.bias</c>. Inputs: x (self-attention),
/// x and a padding mask (N,T) with 1 for real tokens, or query, key, value (and a mask). The per-head products run as
/// batched GEMMs split across cores.
/// </summary>
public sealed class MultiheadAttention : Module, ILayerConfig
{
    private readonly Parameter _inWeight;
    private readonly Parameter? _inBias;
    private readonly Linear _outProj;
    private readonly Generator _rng;

    public MultiheadAttention(int embedDim, int numHeads, MultiheadAttentionOptions? options = null, Generator? rng = null)
    {
        Options = options ?? new MultiheadAttentionOptions();
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention needs embed_dim divisible by num_heads (both > 0), got embed_dim={embedDim}, num_heads={numHeads}.");
        if (double.IsNaN(Options.Dropout) || Options.Dropout < 0 || Options.Dropout > 1)
            throw new ArgumentException($"MultiheadAttention dropout must be in [0, 1], got {Options.Dropout}.");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        rng ??= LayerDefaults.NextLayerGenerator();
        // As torch: xavier_uniform_ in_proj_weight, zero biases, out_proj's weight from Linear's default init.
        var w = Tensor.Zeros(3 * embedDim, embedDim);
        Init.XavierUniform(w, rng);
        _inWeight = RegisterParameter("in_proj_weight", w);
        if (Options.Bias) _inBias = RegisterParameter("in_proj_bias", Tensor.Zeros(3 * embedDim));
        _outProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, new LinearOptions(Options.Bias), rng));
        if (_outProj.Bias is { } ob) Init.Zeros(ob.Value);
        _rng = rng.Fork();
    }

    public int EmbedDim { get; }

    public int NumHeads { get; }

    public MultiheadAttentionOptions Options { get; }

    /// <summary>The packed query, key and value projection weights (3E,E): rows [0,E) query, [E,2E) key, [2E,3E) value.</summary>
    public Parameter InProjectionWeight => _inWeight;

    /// <summary>The output projection (E → E); it carries its own <see cref="Linear.Adapter"/>.</summary>
    public Linear OutProjection => _outProj;

    /// <summary>Trainable additions (LoRA) to the query, key and value projections: q = query W_qᵀ + b_q + adapter(query); null for none.</summary>
    public ILinearAdapter? QueryAdapter { get => _adapters[0]; set => _adapters[0] = Checked(value, "query"); }

    public ILinearAdapter? KeyAdapter { get => _adapters[1]; set => _adapters[1] = Checked(value, "key"); }

    public ILinearAdapter? ValueAdapter { get => _adapters[2]; set => _adapters[2] = Checked(value, "value"); }

    private readonly ILinearAdapter?[] _adapters = new ILinearAdapter?[3];

    private ILinearAdapter? Checked(ILinearAdapter? adapter, string projection) =>
        adapter is null || (adapter.InFeatures == EmbedDim && adapter.OutFeatures == EmbedDim) ? adapter
        : throw new ArgumentException(
            $"MultiheadAttention(embed_dim={EmbedDim}) cannot carry a {projection} adapter for ({adapter.InFeatures} → {adapter.OutFeatures}); size it {EmbedDim} → {EmbedDim}.");

    public override int InputArity => -1;

    /// <summary>Self-attention without padding: x (N,T,E) → (N,T,E).</summary>
    public override Tensor Forward(Tensor x) => Attend(x, x, x);

    // [x], [x, mask], [q, k, v] or [q, k, v, mask]
    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs) => inputs.Count switch
    {
        1 => [Attend(inputs[0], inputs[0], inputs[0])],
        2 => [Attend(inputs[0], inputs[0], inputs[0], inputs[1])],
        3 => [Attend(inputs[0], inputs[1], inputs[2])],
        4 => [Attend(inputs[0], inputs[1], inputs[2], inputs[3])],
        _ => throw new ArgumentException($"MultiheadAttention takes x, x and mask, query/key/value, or query/key/value and mask; got {inputs.Count} inputs."),
    };

    /// <summary>
    /// query (N,Tq,E), key and value (N,Tk,E); mask (N,Tk) with 1 for real keys (null: none); attnMask (Tq,Tk) added to
    /// the scores (PyTorch's float attn_mask; null: none, or causal when the options say so). → (N,Tq,E).
    /// </summary>
    public Tensor Attend(Tensor query, Tensor key, Tensor value, Tensor? mask = null, Tensor? attnMask = null)
    {
        int e = EmbedDim, heads = NumHeads, d = e / heads;
        foreach (var (name, t) in new[] { ("query", query), ("key", key), ("value", value) })
            if (t.Rank != 3 || t.Shape[2] != e)
                throw new ArgumentException($"MultiheadAttention(embed_dim={e}) expected {name} (N,T,{e}) (batch first), got {t.Shape}."
                    + (t.Rank == 3 ? $" Did you mean embed_dim={t.Shape[2]}?" : ""));
        int n = query.Shape[0], tq = query.Shape[1], tk = key.Shape[1];
        if (key.Shape[0] != n || value.Shape[0] != n || value.Shape[1] != tk)
            throw new ArgumentException($"MultiheadAttention: query {query.Shape}, key {key.Shape} and value {value.Shape} must share N, and key and value T.");

        // Three GEMMs on row blocks of in_proj_weight rather than one (N,T,3E) product split into views: the gradients then
        // arrive as three dense (N,T,E) tensors instead of three zero-filled (N,T,3E) ones that autograd would sum.
        var w = _inWeight.Value;
        var b = _inBias?.Value;
        var q = Heads(Project(query, 0, w, b), n, tq, heads, d);
        var k = Heads(Project(key, 1, w, b), n, tk, heads, d);
        var v = Heads(Project(value, 2, w, b), n, tk, heads, d);
        // As torch 1.13: q is scaled before the product. scores: (N,h,Tq,Tk)
        var scores = q.Mul(1 / Math.Sqrt(d)).Matmul(k.Transpose(-2, -1));
        var bias = ScoreBias(mask, attnMask, n, tq, tk, query.DType);
        if (bias is not null) scores = scores.Add(bias);
        var weights = scores.Softmax(-1);
        if (IsTraining && Options.Dropout > 0) weights = weights.Dropout(Options.Dropout, training: true, _rng);
        var attended = weights.Matmul(v).Permute(0, 2, 1, 3).Reshape(n, tq, e); // (N,Tq,E)
        return _outProj.Forward(attended);
    }

    // Projection p (0 query, 1 key, 2 value) of x: (N,T,E) → (N,T,E), plus its adapter's addition when it has one.
    private Tensor Project(Tensor x, int p, Tensor w, Tensor? b)
    {
        int e = EmbedDim;
        var y = x.Linear(w.Slice(0, p * e, (p + 1) * e), b?.Slice(0, p * e, (p + 1) * e));
        return _adapters[p] is { } adapter ? y.Add(adapter.Delta(x)) : y;
    }

    // (N,T,E) → (N,h,T,d)
    private static Tensor Heads(Tensor x, int n, int t, int heads, int d) => x.Reshape(n, t, heads, d).Permute(0, 2, 1, 3);

    // The additive bias (N|1, 1, Tq|1, Tk) of the padding mask, the attention mask and the causal option; null when none applies.
    private Tensor? ScoreBias(Tensor? mask, Tensor? attnMask, int n, int tq, int tk, DType dtype)
    {
        Tensor? bias = mask is null ? null : AttentionMasks.KeyPadding(mask, n, tk, dtype, "MultiheadAttention");
        if (attnMask is not null)
        {
            if (attnMask.Shape != new Shape(tq, tk))
                throw new ArgumentException($"MultiheadAttention expected attn_mask ({tq},{tk}) to add to the scores, got {attnMask.Shape}.");
            var a = attnMask.DType == dtype ? attnMask : attnMask.To(dtype);
            bias = bias is null ? a : bias.Add(a);
        }
        if (Options.Causal)
        {
            var c = AttentionMasks.Causal(tq, tk, dtype);
            bias = bias is null ? c : bias.Add(c);
        }
        return bias;
    }

    public JsonObject GetConfig() => new()
    {
        ["embed_dim"] = EmbedDim,
        ["num_heads"] = NumHeads,
        ["bias"] = Options.Bias,
        ["dropout"] = Options.Dropout,
        ["causal"] = Options.Causal,
    };

    public override string ToString() => $"MultiheadAttention(embed_dim={EmbedDim}, num_heads={NumHeads}, dropout={Options.Dropout}, causal={Options.Causal})";
}
