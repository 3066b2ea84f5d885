using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Elementwise max(0, x), as torch.nn.ReLU. Any shape.</summary>
public sealed class ReLU : Module, ILayerConfig
{
    public override Tensor Forward(Tensor x) => x.Relu();

    public JsonObject GetConfig() => [];

    public override string ToString() => "ReLU()";
}
