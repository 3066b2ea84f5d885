using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// A stack of <see cref="TransformerEncoderLayer"/>s sharing one padding mask, as torch.nn.TransformerEncoder: state-dict names
/// <c>layers.0.self_attn.in_proj_weight</c>, …, and <c>norm.weight</c>/<c>norm.bias</c> for the optional final LayerNorm
/// (usual after pre-norm layers).
/// </summary>
public sealed class TransformerEncoder : Module, ILayerConfig
{
    private readonly TransformerEncoderLayer[] _layers;
    private readonly LayerNorm? _norm;

    public TransformerEncoder(int numLayers, int dModel, int nhead, TransformerEncoderLayerOptions? options = null, bool finalNorm = false, Generator? rng = null)
    {
        if (numLayers <= 0) throw new ArgumentException($"TransformerEncoder needs num_layers > 0, got {numLayers}.");
        rng ??= LayerDefaults.NextLayerGenerator();
        LayerOptions = options ?? new TransformerEncoderLayerOptions();
        DModel = dModel;
        NHead = nhead;
        FinalNorm = finalNorm;
        var list = RegisterModule("layers", new LayerList());
        _layers = new TransformerEncoderLayer[numLayers];
        for (int i = 0; i < numLayers; i++) _layers[i] = list.Add(new TransformerEncoderLayer(dModel, nhead, LayerOptions, rng));
        if (finalNorm) _norm = RegisterModule("norm", new LayerNorm(dModel, new LayerNormOptions(LayerOptions.LayerNormEps)));
    }

    public int NumLayers => _layers.Length;

    public int DModel { get; }

    public int NHead { get; }

    public bool FinalNorm { get; }

    public TransformerEncoderLayerOptions LayerOptions { get; }

    public IReadOnlyList<TransformerEncoderLayer> Layers => _layers;

    public override int InputArity => -1;

    public override Tensor Forward(Tensor x) => Encode(x);

    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs) => inputs.Count switch
    {
        1 => [Encode(inputs[0])],
        2 => [Encode(inputs[0], inputs[1])],
        _ => throw new ArgumentException($"TransformerEncoder takes x (N,T,E) and optionally a mask (N,T), got {inputs.Count} inputs."),
    };

    /// <summary>x (N,T,E), mask (N,T) with 1 for real tokens or null → (N,T,E).</summary>
    public Tensor Encode(Tensor x, Tensor? mask = null)
    {
        foreach (var layer in _layers) x = layer.Encode(x, mask);
        return _norm?.Forward(x) ?? x;
    }

    public JsonObject GetConfig() => new()
    {
        ["num_layers"] = NumLayers,
        ["d_model"] = DModel,
        ["nhead"] = NHead,
        ["dim_feedforward"] = LayerOptions.DimFeedforward,
        ["dropout"] = LayerOptions.Dropout,
        ["activation"] = LayerOptions.Activation,
        ["norm_first"] = LayerOptions.NormFirst,
        ["layer_norm_eps"] = LayerOptions.LayerNormEps,
        ["causal"] = LayerOptions.Causal,
        ["final_norm"] = FinalNorm,
    };

    public override string ToString() => $"TransformerEncoder(num_layers={NumLayers}, {_layers[0]}, final_norm={FinalNorm})";

    // torch.nn.ModuleList: children named 0, 1, … so their tensors are layers.0.*, layers.1.*.
    private sealed class LayerList : Module
    {
        private int _count;

        public T Add<T>(T layer) where T : Module => RegisterModule((_count++).ToString(CultureInfo.InvariantCulture), layer);

        public override Tensor Forward(Tensor x) =>
            throw new InvalidOperationException("TransformerEncoder's layer list is not called directly; call the TransformerEncoder.");
    }
}
