using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Softmax along one dimension (default the last), as torch.nn.Softmax(dim).</summary>
public sealed class Softmax(int dim = -1) : Module, ILayerConfig
{
    public int Dim { get; } = dim;

    public override Tensor Forward(Tensor x)
    {
        if (Dim >= x.Rank || Dim < -x.Rank)
            throw new ArgumentException($"Softmax(dim={Dim}) got input {x.Shape} of rank {x.Rank}; dim must be in [{-x.Rank}, {x.Rank - 1}].");
        return x.Softmax(Dim);
    }

    public JsonObject GetConfig() => new() { ["dim"] = Dim };

    public override string ToString() => $"Softmax(dim={Dim})";
}
