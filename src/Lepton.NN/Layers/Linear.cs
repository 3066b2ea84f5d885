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

    // x: (*, in) → (*, out)
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank == 0 || x.Shape[-1] != InFeatures)
            throw new ArgumentException(
                $"Linear(in_features={InFeatures}) got input {x.Shape}: the last dimension must be {InFeatures}."
                + (x.Rank > 0 ? $" Did you mean in_features={x.Shape[-1]}, or is a Flatten missing before this layer?" : ""));
        return x.Linear(_weight.Value, _bias?.Value);
    }

    public JsonObject GetConfig() => new()
    {
        ["in_features"] = InFeatures,
        ["out_features"] = OutFeatures,
        ["bias"] = Options.Bias,
    };

    public override string ToString() => $"Linear(in_features={InFeatures}, out_features={OutFeatures}, bias={Options.Bias})";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedLinear(this, input);
    }
}
