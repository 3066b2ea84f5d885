using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Average over axes after the batch, as <c>x.mean(dim, keepdim)</c>: global average pooling is
/// <c>Mean(dim=[2, 3])</c> on (N,C,H,W) → (N,C); the mean of token vectors is <c>Mean(dim=[1])</c>.
/// </summary>
public sealed class Mean : Module, ILayerConfig
{
    public Mean(int[] dims, bool keepDim = false)
    {
        if (dims.Length == 0 || dims.Contains(0) || dims.Distinct().Count() != dims.Length)
            throw new ArgumentException($"Mean(dim={Shape.Format(dims)}) must name distinct axes after the batch (never 0), e.g. [2, 3].");
        Dims = dims;
        KeepDim = keepDim;
    }

    public int[] Dims { get; }

    public bool KeepDim { get; }

    public override Tensor Forward(Tensor x)
    {
        var axes = Dims.Select(d => d < 0 ? d + x.Rank : d).ToArray();
        if (axes.Any(a => a <= 0 || a >= x.Rank))
            throw new ArgumentException($"Mean(dim={Shape.Format(Dims)}) does not fit input {x.Shape}: every axis must lie after the batch, in 1..{x.Rank - 1}.");
        return x.Mean(axes, KeepDim);
    }

    public JsonObject GetConfig() => new() { ["dim"] = new JsonArray(Dims.Select(d => (JsonNode)d).ToArray()), ["keepdim"] = KeepDim };

    public override string ToString() => $"Mean(dim={Shape.Format(Dims)}, keepdim={KeepDim})";
}
