using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Elementwise 1 / (1 + e^-x), as torch.nn.Sigmoid. Any shape.</summary>
public sealed class Sigmoid : Module, ILayerConfig
{
    public override Tensor Forward(Tensor x) => x.Sigmoid();

    public JsonObject GetConfig() => [];

    public override string ToString() => "Sigmoid()";
}
