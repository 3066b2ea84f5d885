using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Elementwise the hyperbolic tangent, as torch.nn.Tanh. Any shape.</summary>
public sealed class Tanh : Module, ILayerConfig
{
    public override Tensor Forward(Tensor x) => x.Tanh();

    public JsonObject GetConfig() => [];

    public override string ToString() => "Tanh()";
}
