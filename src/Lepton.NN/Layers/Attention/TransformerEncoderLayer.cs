using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Options of <see cref="TransformerEncoderLayer"/>, as torch.nn.TransformerEncoderLayer's: activation "relu" or "gelu";
/// NormFirst puts each LayerNorm before its block (pre-norm) instead of after the residual sum (post-norm).
/// </summary>
public sealed record TransformerEncoderLayerOptions(int DimFeedforward = 2048, double Dropout = 0.1, string Activation = "relu",
    bool NormFirst = false, double LayerNormEps = 1e-5, bool Causal = false);

/// <summary>
/// Self-attention and a feed-forward block with residuals and LayerNorms, batch first, as
/// torch.nn.TransformerEncoderLayer(batch_first=True): state-dict names <c>self_attn.*</c>, <c>linear1</c>, <c>linear2</c>,
/// <c>norm1</c>, <c>norm2</c>. Inputs: x (N,T,E) and optionally a padding mask (N,T) with 1 for real tokens.
/// </summary>
public sealed class TransformerEncoderLayer : Module, ILayerConfig
{
    private readonly MultiheadAttention _attn;
    private readonly Linear _linear1, _linear2;
    private readonly Dropout _dropout, _dropout1, _dropout2;
    private readonly LayerNorm _norm1, _norm2;

    public TransformerEncoderLayer(int dModel, int nhead, TransformerEncoderLayerOptions? options = null, Generator? rng = null)
    {
        Options = options ?? new TransformerEncoderLayerOptions();
        var o = Options;
        if (o.Activation is not ("relu" or "gelu"))
            throw new ArgumentException($"TransformerEncoderLayer activation must be \"relu\" or \"gelu\", got \"{o.Activation}\".");
        if (o.DimFeedforward <= 0)
            throw new ArgumentException($"TransformerEncoderLayer needs dim_feedforward > 0, got {o.DimFeedforward}.");
        rng ??= LayerDefaults.NextLayerGenerator();
        DModel = dModel;
        NHead = nhead;
        _attn = RegisterModule("self_attn", new MultiheadAttention(dModel, nhead, new MultiheadAttentionOptions(Dropout: o.Dropout, Causal: o.Causal), rng));
        _linear1 = RegisterModule("linear1", new Linear(dModel, o.DimFeedforward, rng: rng));
        _dropout = RegisterModule("dropout", new Dropout(o.Dropout, rng.Fork()));
        _linear2 = RegisterModule("linear2", new Linear(o.DimFeedforward, dModel, rng: rng));
        _norm1 = RegisterModule("norm1", new LayerNorm(dModel, new LayerNormOptions(o.LayerNormEps)));
        _norm2 = RegisterModule("norm2", new LayerNorm(dModel, new LayerNormOptions(o.LayerNormEps)));
        _dropout1 = RegisterModule("dropout1", new Dropout(o.Dropout, rng.Fork()));
        _dropout2 = RegisterModule("dropout2", new Dropout(o.Dropout, rng.Fork()));
    }

    public int DModel { get; }

    public int NHead { get; }

    public TransformerEncoderLayerOptions Options { get; }

    public override int InputArity => -1;

    public override Tensor Forward(Tensor x) => Encode(x);

    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs) => inputs.Count switch
    {
        1 => [Encode(inputs[0])],
        2 => [Encode(inputs[0], inputs[1])],
        _ => throw new ArgumentException($"TransformerEncoderLayer takes x (N,T,E) and optionally a mask (N,T), got {inputs.Count} inputs."),
    };

    /// <summary>x (N,T,E), mask (N,T) with 1 for real tokens or null → (N,T,E).</summary>
    public Tensor Encode(Tensor x, Tensor? mask = null)
    {
        if (Options.NormFirst)
        {
            x = x.Add(_dropout1.Forward(SelfAttend(_norm1.Forward(x), mask)));
            return x.Add(_dropout2.Forward(FeedForward(_norm2.Forward(x))));
        }
        x = _norm1.Forward(x.Add(_dropout1.Forward(SelfAttend(x, mask))));
        return _norm2.Forward(x.Add(_dropout2.Forward(FeedForward(x))));
    }

    private Tensor SelfAttend(Tensor x, Tensor? mask) => _attn.Attend(x, x, x, mask);

    private Tensor FeedForward(Tensor x)
    {
        var h = _linear1.Forward(x);
        h = Options.Activation == "gelu" ? h.Gelu() : h.Relu();
        return _linear2.Forward(_dropout.Forward(h));
    }

    public JsonObject GetConfig() => new()
    {
        ["d_model"] = DModel,
        ["nhead"] = NHead,
        ["dim_feedforward"] = Options.DimFeedforward,
        ["dropout"] = Options.Dropout,
        ["activation"] = Options.Activation,
        ["norm_first"] = Options.NormFirst,
        ["layer_norm_eps"] = Options.LayerNormEps,
        ["causal"] = Options.Causal,
    };

    public override string ToString() =>
        $"TransformerEncoderLayer(d_model={DModel}, nhead={NHead}, dim_feedforward={Options.DimFeedforward}, dropout={Options.Dropout}, activation={Options.Activation}, norm_first={Options.NormFirst})";
}
