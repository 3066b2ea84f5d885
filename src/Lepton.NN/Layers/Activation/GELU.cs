using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Elementwise x·Φ(x) with the exact erf form, PyTorch's default, as torch.nn.GELU. Any shape.</summary>
public sealed class GELU : Module, ILayerConfig, IPlannableLayer
{
    public override Tensor Forward(Tensor x) => x.Gelu();

    public JsonObject GetConfig() => [];

    public override string ToString() => "GELU()";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedActivation<GeluMath>(this, default);
    }
}
