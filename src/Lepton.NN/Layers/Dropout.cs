using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>
/// Inverted dropout, as torch.nn.Dropout: in training zeroes each element with probability p and scales
/// the rest by 1/(1-p); in eval mode the identity. Masks come from the layer's own seeded generator.
/// </summary>
public sealed class Dropout : Module, ILayerConfig, IPlannableLayer
{
    private readonly Generator _rng;

    public Dropout(double p = 0.5, Generator? rng = null)
    {
        if (p < 0 || p > 1 || double.IsNaN(p))
            throw new ArgumentException($"Dropout probability must be in [0, 1], got {p}.");
        P = p;
        _rng = rng ?? LayerDefaults.NextLayerGenerator();
    }

    public double P { get; }

    // A planned training step draws its masks from the same generator, in the same order, as Forward.
    internal Generator Rng => _rng;

    public override Tensor Forward(Tensor x) => IsTraining && P > 0 ? x.Dropout(P, training: true, _rng) : x;

    public JsonObject GetConfig() => new() { ["p"] = P };

    public override string ToString() => $"Dropout(p={P})";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedDropout(this, input);
    }
}
