using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Elementwise eˣ, the inverse of a log link: the last layer of a model trained on a log scale (a Poisson or gamma regressor)
/// so it answers the positive value itself. Any shape.
/// </summary>
public sealed class Exp : Module, ILayerConfig
{
    public override Tensor Forward(Tensor x) => x.Exp();

    public JsonObject GetConfig() => [];

    public override string ToString() => "Exp()";
}
