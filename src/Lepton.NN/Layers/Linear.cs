using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Options of <see cref="Linear"/>.</summary>
public sealed record LinearOptions(bool Bias = true);

/// <summary>Fully connected layer y = x Wᵀ + b; weight (out,in) and bias (out) as torch.nn.Linear.</summary>
public sealed class Linear : Module, ILayerConfig, IPlannableLayer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;

    public Linear(int inFeatures, int outFeatures, LinearOptions? options = null, Generator? rng = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Linear needs in_features > 0 and out_features > 0, got ({inFeatures}, {outFeatures}).");
        Options = options ?? new LinearOptions();
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        rng ??= LayerDefaults.NextLayerGenerator();
        var w = Tensor.Zeros(outFeatures, inFeatures);
        Init.TorchDefaultWeight(w, rng);
        _weight = RegisterParameter("weight", w);
        if (Options.Bias)
        {
            var b = Tensor.Zeros(outFeatures);
            Init.TorchDefaultBias(b, inFeatures, rng);
            _bias = RegisterParameter("bias", b);
        }
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public LinearOptions Options { get; }

    public Parameter Weight => _weight;

    public Parameter? Bias => _bias;

    /// <summary>
    /// A trainable addition to the output (LoRA): y = x Wᵀ + b + adapter(x); null for none. It is not in the state dict, and a
    /// layer carrying one trains with recorded steps (its planned form runs the base map only).
    /// </summary>
    public ILinearAdapter? Adapter
    {
        get => _adapter;
        set
        {
            if (value is not null && (value.InFeatures != InFeatures || value.OutFeatures != OutFeatures))
                throw new ArgumentException(
                    $"Linear(in_features={InFeatures}, out_features={OutFeatures}) cannot carry an adapter for ({value.InFeatures} → {value.OutFeatures}); size the adapter for this layer.");
            _adapter = value;
        }
    }

    private ILinearAdapter? _adapter;

    // x: (*, in) → (*, out)
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank == 0 || x.Shape[-1] != InFeatures)
            throw new ArgumentException(
                $"Linear(in_features={InFeatures}) got input {x.Shape}: the last dimension must be {InFeatures}."
                + (x.Rank > 0 ? $" Did you mean in_features={x.Shape[-1]}, or is a Flatten missing before this layer?" : ""));
        var y = x.Linear(_weight.Value, _bias?.Value);
        return _adapter is null ? y : y.Add(_adapter.Delta(x));
    }

    public JsonObject GetConfig() => new()
    {
        ["in_features"] = InFeatures,
        ["out_features"] = OutFeatures,
        ["bias"] = Options.Bias,
    };

    public override string ToString() => $"Linear(in_features={InFeatures}, out_features={OutFeatures}, bias={Options.Bias})";

    string? IPlannableLayer.PlanRefusal => _adapter is null ? null : "it carries an adapter (LoRA), which its planned form does not run";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedLinear(this, input);
    }
}
