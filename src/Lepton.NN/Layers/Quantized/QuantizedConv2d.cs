using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Kernels.Quantized;
using Lepton.NN.Fusion;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers.Quantized;

/// <summary>
/// Inference-only int8 <see cref="Conv2d"/> (groups = 1): weight codes (O,C,k,k) with one scale per output channel, input
/// quantized per tensor with its calibrated scale and zero point (7-bit codes). A ReLU that follows is fused into the
/// kernel; a 2x2 max pooling after that runs on the float output.
/// </summary>
public sealed class QuantizedConv2d : Module, ILayerConfig, IFusableLayer
{
    private readonly QuantizedState _state = new();

    public QuantizedConv2d(int inChannels, int outChannels, int kernelSize, Conv2dOptions? options = null)
    {
        Options = options ?? new Conv2dOptions();
        var o = Options;
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0)
            throw new ArgumentException($"QuantizedConv2d needs in_channels, out_channels and kernel_size > 0, got ({inChannels}, {outChannels}, {kernelSize}).");
        if (o.Stride <= 0 || o.Dilation <= 0 || o.Padding < 0)
            throw new ArgumentException($"QuantizedConv2d needs stride >= 1, dilation >= 1 and padding >= 0, got {o}.");
        if (o.Groups != 1)
            throw new ArgumentException($"QuantizedConv2d supports groups = 1 only, got groups={o.Groups}; keep grouped convolutions in float.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        RegisterBuffer("weight", Tensor.Zeros(new Shape(outChannels, inChannels, kernelSize, kernelSize), DType.Int8));
        RegisterBuffer("weight_scale", Tensor.Ones(outChannels));
        if (o.Bias) RegisterBuffer("bias", Tensor.Zeros(outChannels));
        RegisterBuffer("input_scale", Tensor.Ones(1));
        RegisterBuffer("input_zero_point", Tensor.Zeros(new Shape(1), DType.Int32));
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelSize { get; }

    public Conv2dOptions Options { get; }

    /// <summary>Sets the quantized state: codes (O,C,k,k) row-major, per-channel scales, bias (or null) and the input quantization.</summary>
    public QuantizedConv2d Set(sbyte[] codes, float[] weightScales, float[]? bias, float inputScale, int inputZeroPoint)
    {
        if (codes.Length != OutChannels * InChannels * KernelSize * KernelSize || weightScales.Length != OutChannels
            || (bias is null) == Options.Bias || (bias is not null && bias.Length != OutChannels))
            throw new ArgumentException(
                $"QuantizedConv2d({InChannels}, {OutChannels}, {KernelSize}, bias={Options.Bias}) got {codes.Length} codes, {weightScales.Length} scales and {(bias is null ? "no" : bias.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} bias values.");
        SetBuffer("weight", Tensor.FromArray(codes, OutChannels, InChannels, KernelSize, KernelSize));
        SetBuffer("weight_scale", Tensor.FromArray(weightScales, OutChannels));
        if (bias is not null) SetBuffer("bias", Tensor.FromArray(bias, OutChannels));
        SetBuffer("input_scale", Tensor.FromArray([inputScale], 1));
        SetBuffer("input_zero_point", Tensor.FromArray([inputZeroPoint], 1));
        return this;
    }

    // x: (N,C,H,W) → (N,O,OH,OW)
    public override Tensor Forward(Tensor x) => Run(x, relu: false);

    private Tensor Run(Tensor x, bool relu)
    {
        var (shape, w, e) = Prepare(x, relu);
        x = x.Contiguous();
        var y = Tensor.Empty(new Shape(shape.N, OutChannels, shape.OH, shape.OW));
        Int8Conv2d.Run(x.Span<float>(), shape, w, e, y.Span<float>());
        return y;
    }

    private (Int8ConvShape Shape, Int8Weights Weights, Int8Epilogue Epilogue) Prepare(Tensor x, bool relu)
    {
        LayerDefaults.ExpectNchw(x, "QuantizedConv2d", "in_channels", InChannels);
        QuantizedState.CheckInput(x, "QuantizedConv2d");
        var o = Options;
        var shape = new Int8ConvShape(x.Shape[0], InChannels, x.Shape[2], x.Shape[3], KernelSize, o.Stride, o.Padding, o.Dilation);
        if (shape.OH <= 0 || shape.OW <= 0)
            throw new ArgumentException(
                $"QuantizedConv2d(kernel_size={KernelSize}, padding={o.Padding}, dilation={o.Dilation}) needs a larger input, got {x.Shape}.");
        var (w, e) = _state.Get("QuantizedConv2d", Buffer("weight"), Buffer("weight_scale"), o.Bias ? Buffer("bias") : null,
            Buffer("input_scale"), Buffer("input_zero_point"), (c, s) => Int8Weights.FromConv(c, OutChannels, InChannels, KernelSize, KernelSize, s), relu);
        return (shape, w, e);
    }

    /// <summary>
    /// ReLU runs inside the kernel's epilogue; a 2x2 max pooling right after it pools each image while its output is in
    /// cache (odd output sizes pool the float output afterwards).
    /// </summary>
    public LayerFusion? TryFuse(IReadOnlyList<Module> next)
    {
        if (next.Count == 0 || next[0] is not ReLU) return null;
        if (next.Count >= 2 && next[1] is MaxPool2d { KernelSize: 2, Stride: 2, Options.Padding: 0 })
            return new LayerFusion(2, RunReluMaxPool);
        return new LayerFusion(1, x => Run(x, relu: true));
    }

    // x: (N,C,H,W) → (N,O,OH/2,OW/2)
    private Tensor RunReluMaxPool(Tensor x)
    {
        var (shape, w, e) = Prepare(x, relu: true);
        if (shape.OH % 2 != 0 || shape.OW % 2 != 0) return Run(x, relu: true).MaxPool2d(2, 2, 2, 2);
        x = x.Contiguous();
        var y = Tensor.Empty(new Shape(shape.N, OutChannels, shape.OH / 2, shape.OW / 2));
        Int8Conv2d.RunReluMaxPool2x2(x.Span<float>(), shape, w, e, y.Span<float>());
        return y;
    }

    public JsonObject GetConfig() => Conv2d.Config(InChannels, OutChannels, KernelSize, Options);

    public override string ToString() =>
        $"QuantizedConv2d({InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Options.Stride}, padding={Options.Padding})";
}
