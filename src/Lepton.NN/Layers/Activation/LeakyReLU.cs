using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>x for x &gt; 0, negative_slope·x otherwise, as torch.nn.LeakyReLU. Any shape.</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module, ILayerConfig, IPlannableLayer
{
    public double NegativeSlope { get; } = negativeSlope;

    public override Tensor Forward(Tensor x) => x.LeakyRelu(NegativeSlope);

    public JsonObject GetConfig() => new() { ["negative_slope"] = NegativeSlope };

    public override string ToString() => $"LeakyReLU(negative_slope={NegativeSlope})";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedActivation<LeakyReluMath>(this, new LeakyReluMath(NegativeSlope));
    }
}
