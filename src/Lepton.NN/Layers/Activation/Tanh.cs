using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Elementwise the hyperbolic tangent, as torch.nn.Tanh. Any shape.</summary>
public sealed class Tanh : Module, ILayerConfig, IPlannableLayer
{
    public override Tensor Forward(Tensor x) => x.Tanh();

    public JsonObject GetConfig() => [];

    public override string ToString() => "Tanh()";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedActivation<TanhMath>(this, default);
    }
}
