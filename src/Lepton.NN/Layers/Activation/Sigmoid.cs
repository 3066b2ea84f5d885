using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Elementwise 1 / (1 + e^-x), as torch.nn.Sigmoid. Any shape.</summary>
public sealed class Sigmoid : Module, ILayerConfig, IPlannableLayer
{
    public override Tensor Forward(Tensor x) => x.Sigmoid();

    public JsonObject GetConfig() => [];

    public override string ToString() => "Sigmoid()";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedActivation<SigmoidMath>(this, default);
    }
}
