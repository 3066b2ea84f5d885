using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Gives each example a new shape, keeping the batch: Keras's <c>Reshape(target_shape)</c>, torch's
/// <c>x.reshape(x.size(0), *shape)</c>. One size may be -1 (inferred).
/// </summary>
public sealed class Reshape : Module, ILayerConfig
{
    public Reshape(params int[] shape)
    {
        if (shape.Length == 0) throw new ArgumentException("Reshape needs a shape for each example, e.g. [16, 7, 7]; give at least one size.");
        if (shape.Count(d => d == -1) > 1 || shape.Any(d => d < -1 || d == 0))
            throw new ArgumentException($"Reshape({Shape.Format(shape)}): sizes must be positive, with at most one -1 to infer.");
        Dims = shape;
    }

    /// <summary>The shape of one example, e.g. (16,7,7).</summary>
    public int[] Dims { get; }

    // x: (N, ...) → (N, Dims...)
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank == 0) throw new ArgumentException($"Reshape({Shape.Format(Dims)}) expected an input with a batch dimension, got a scalar.");
        int perExample = x.Rank == 1 ? 1 : x.Numel / Math.Max(x.Shape[0], 1);
        int known = Dims.Where(d => d != -1).Aggregate(1, (a, d) => a * d);
        bool fits = Dims.Contains(-1) ? known > 0 && perExample % known == 0 : known == perExample;
        if (!fits)
            throw new ArgumentException(
                $"Reshape({Shape.Format(Dims)}) cannot hold an example of input {x.Shape} ({perExample} values per example); the sizes must multiply to {perExample}.");
        return x.Reshape([x.Shape[0], .. Dims]);
    }

    public JsonObject GetConfig() => new() { ["shape"] = new JsonArray(Dims.Select(d => (JsonNode)d).ToArray()) };

    public override string ToString() => $"Reshape({Shape.Format(Dims)})";
}
