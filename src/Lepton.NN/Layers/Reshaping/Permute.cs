using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Reorders axes as <c>x.permute(dims)</c>; the batch stays first, so <c>dims[0]</c> is 0 (e.g. NCHW→NHWC is [0, 2, 3, 1]).</summary>
public sealed class Permute : Module, ILayerConfig
{
    public Permute(params int[] dims)
    {
        if (dims.Length < 2 || dims[0] != 0 || !dims.Order().SequenceEqual(Enumerable.Range(0, dims.Length)))
            throw new ArgumentException(
                $"Permute({Shape.Format(dims)}) must list every axis 0..{Math.Max(dims.Length - 1, 1)} once, with the batch axis 0 first, e.g. [0, 2, 3, 1].");
        Dims = dims;
    }

    public int[] Dims { get; }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != Dims.Length)
            throw new ArgumentException($"Permute({Shape.Format(Dims)}) expected an input of rank {Dims.Length}, got {x.Shape}.");
        return x.Permute(Dims);
    }

    public JsonObject GetConfig() => new() { ["dims"] = new JsonArray(Dims.Select(d => (JsonNode)d).ToArray()) };

    public override string ToString() => $"Permute({Shape.Format(Dims)})";
}
