using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Kernels.Quantized;
using Lepton.NN.Fusion;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers.Quantized;

/// <summary>
/// Inference-only int8 <see cref="Linear"/>: y = x Wᵀ + b with W as int8 codes and one scale per output row, x quantized
/// per tensor with its calibrated scale and zero point (7-bit codes). A ReLU that follows is fused into the kernel.
/// </summary>
public sealed class QuantizedLinear : Module, ILayerConfig, IFusableLayer
{
    private readonly QuantizedState _state = new();

    public QuantizedLinear(int inFeatures, int outFeatures, LinearOptions? options = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"QuantizedLinear needs in_features > 0 and out_features > 0, got ({inFeatures}, {outFeatures}).");
        Options = options ?? new LinearOptions();
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterBuffer("weight", Tensor.Zeros(new Shape(outFeatures, inFeatures), DType.Int8));
        RegisterBuffer("weight_scale", Tensor.Ones(outFeatures));
        if (Options.Bias) RegisterBuffer("bias", Tensor.Zeros(outFeatures));
        RegisterBuffer("input_scale", Tensor.Ones(1));
        RegisterBuffer("input_zero_point", Tensor.Zeros(new Shape(1), DType.Int32));
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public LinearOptions Options { get; }

    /// <summary>Sets the quantized state: codes (out,in) row-major, per-row scales, bias (or null) and the input quantization.</summary>
    public QuantizedLinear Set(sbyte[] codes, float[] weightScales, float[]? bias, float inputScale, int inputZeroPoint)
    {
        if (codes.Length != InFeatures * OutFeatures || weightScales.Length != OutFeatures || (bias is null) == Options.Bias
            || (bias is not null && bias.Length != OutFeatures))
            throw new ArgumentException(
                $"QuantizedLinear({InFeatures}, {OutFeatures}, bias={Options.Bias}) got {codes.Length} codes, {weightScales.Length} scales and {(bias is null ? "no" : bias.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} bias values.");
        SetBuffer("weight", Tensor.FromArray(codes, OutFeatures, InFeatures));
        SetBuffer("weight_scale", Tensor.FromArray(weightScales, OutFeatures));
        if (bias is not null) SetBuffer("bias", Tensor.FromArray(bias, OutFeatures));
        SetBuffer("input_scale", Tensor.FromArray([inputScale], 1));
        SetBuffer("input_zero_point", Tensor.FromArray([inputZeroPoint], 1));
        return this;
    }

    // x: (*, in) → (*, out)
    public override Tensor Forward(Tensor x) => Run(x, relu: false);

    private Tensor Run(Tensor x, bool relu)
    {
        if (x.Rank == 0 || x.Shape[-1] != InFeatures)
            throw new ArgumentException(
                $"QuantizedLinear(in_features={InFeatures}) got input {x.Shape}: the last dimension must be {InFeatures}."
                + (x.Rank > 0 ? $" Did you mean in_features={x.Shape[-1]}, or is a Flatten missing before this layer?" : ""));
        QuantizedState.CheckInput(x, "QuantizedLinear");
        var (w, e) = _state.Get("QuantizedLinear", Buffer("weight"), Buffer("weight_scale"), Options.Bias ? Buffer("bias") : null,
            Buffer("input_scale"), Buffer("input_zero_point"), (c, s) => Int8Weights.FromRows(c, OutFeatures, InFeatures, s), relu);
        x = x.Contiguous();
        var dims = x.Shape.ToArray();
        dims[^1] = OutFeatures;
        var y = Tensor.Empty(new Shape(dims));
        Int8Linear.Run(x.Span<float>(), x.Numel / InFeatures, w, e, y.Span<float>());
        return y;
    }

    /// <summary>A ReLU right after runs inside the kernel's epilogue.</summary>
    public LayerFusion? TryFuse(IReadOnlyList<Module> next) =>
        next.Count >= 1 && next[0] is ReLU ? new LayerFusion(1, x => Run(x, relu: true)) : null;

    public JsonObject GetConfig() => new()
    {
        ["in_features"] = InFeatures,
        ["out_features"] = OutFeatures,
        ["bias"] = Options.Bias,
    };

    public override string ToString() => $"QuantizedLinear(in_features={InFeatures}, out_features={OutFeatures}, bias={Options.Bias})";
}
