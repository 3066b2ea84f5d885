using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Joins its inputs along <c>dim</c> (never the batch): <c>torch.cat(xs, dim)</c>, Keras's <c>Concatenate</c>.</summary>
public sealed class Concat(int dim = 1) : Module, ILayerConfig
{
    public int Dim { get; } = dim == 0
        ? throw new ArgumentException("Concat(dim=0) would join along the batch; use dim=1 (features or channels) or a later axis.")
        : dim;

    public override int InputArity => -1;

    public override Tensor Forward(Tensor x) => x;

    // xs: (N, ..., d_i, ...) each, equal except along Dim → (N, ..., Σ d_i, ...)
    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count == 0) throw new ArgumentException("Concat needs at least one input, got none.");
        int rank = inputs[0].Rank;
        int axis = Dim < 0 ? Dim + rank : Dim;
        if (axis <= 0 || axis >= rank)
            throw new ArgumentException($"Concat(dim={Dim}) does not fit input {inputs[0].Shape}: dim must name an axis after the batch.");
        for (int i = 1; i < inputs.Count; i++)
        {
            var a = inputs[0].Shape;
            var b = inputs[i].Shape;
            bool fits = b.Rank == rank && Enumerable.Range(0, rank).All(d => d == axis || a[d] == b[d]);
            if (!fits)
                throw new ArgumentException(
                    $"Concat(dim={Dim}) cannot join inputs of shapes {string.Join(", ", inputs.Select(t => t.Shape.ToString()))}: " +
                    $"input {i} differs outside dim {axis}. Every input must have rank {rank} and equal sizes except along dim {axis}; add a Flatten or Reshape first.");
        }
        return [inputs.Count == 1 ? inputs[0] : Tensor.Concat(inputs, axis)];
    }

    public JsonObject GetConfig() => new() { ["dim"] = Dim };

    public override string ToString() => $"Concat(dim={Dim})";
}
