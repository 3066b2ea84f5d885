using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// The mean over time of the real steps: x (N,T,C) and a mask (N,T) with 1 for real tokens → (N,C); a row with no real
/// token gives zeros. Without a mask, the plain mean over T.
/// </summary>
public sealed class MaskedMeanPool : Module, ILayerConfig
{
    public override int InputArity => -1;

    public override Tensor Forward(Tensor x) => Pool(x);

    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs) => inputs.Count switch
    {
        1 => [Pool(inputs[0])],
        2 => [Pool(inputs[0], inputs[1])],
        _ => throw new ArgumentException($"MaskedMeanPool takes x (N,T,C) and optionally a mask (N,T), got {inputs.Count} inputs."),
    };

    /// <summary>x (N,T,C), mask (N,T) or null → (N,C).</summary>
    public static Tensor Pool(Tensor x, Tensor? mask = null)
    {
        if (x.Rank != 3)
            throw new ArgumentException($"MaskedMeanPool expected input (N,T,C), got {x.Shape}.");
        if (mask is null) return x.Mean(1);
        if (mask.Rank != 2 || mask.Shape[0] != x.Shape[0] || mask.Shape[1] != x.Shape[1])
            throw new ArgumentException($"MaskedMeanPool expected a mask ({x.Shape[0]},{x.Shape[1]}) for input {x.Shape}, got {mask.Shape}.");
        var m = (mask.DType == x.DType ? mask : mask.To(x.DType)).Detach().Reshape(x.Shape[0], x.Shape[1], 1);
        var count = m.Sum(1).Clamp(min: 1); // (N,1)
        return x.Mul(m).Sum(1).Div(count);
    }

    public JsonObject GetConfig() => [];

    public override string ToString() => "MaskedMeanPool()";
}
