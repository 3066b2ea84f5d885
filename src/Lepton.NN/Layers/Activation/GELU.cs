using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Elementwise x·Φ(x) with the exact erf form, PyTorch's default, as torch.nn.GELU. Any shape.</summary>
public sealed class GELU : Module, ILayerConfig
{
    public override Tensor Forward(Tensor x) => x.Gelu();

    public JsonObject GetConfig() => [];

    public override string ToString() => "GELU()";
}
