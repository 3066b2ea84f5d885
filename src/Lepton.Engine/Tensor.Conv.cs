using System.Numerics;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>2-D convolution (cross-correlation, as PyTorch). x: (N,C,H,W), weight: (O,C/groups,kH,kW), bias: (O).</summary>
    public Tensor Conv2d(Tensor weight, Tensor? bias = null, int strideH = 1, int strideW = 1, int padH = 0, int padW = 0,
        int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        var g = ConvGeometryOf(weight, bias, strideH, strideW, padH, padW, dilationH, dilationW, groups);
        var x = DenseData();
        var w = weight.DenseData();
        var b = bias?.DenseData();
        var y = DType == DType.Float32 ? Conv2dForward<float>(x, w, b, g) : Conv2dForward<double>(x, w, b, g);
        Tensor[] inputs = bias is null ? [this, weight] : [this, weight, bias];
        bool needX = RequiresGrad, needW = weight.RequiresGrad, needB = bias?.RequiresGrad ?? false;
        return Tape.Record(y, "conv2d", inputs, gy =>
        {
            var grads = DType == DType.Float32
                ? Conv2dBackward<float>(x, w, gy.DenseAtZero(), g, needX, needW, needB)
                : Conv2dBackward<double>(x, w, gy.DenseAtZero(), g, needX, needW, needB);
            return bias is null ? [grads[0], grads[1]] : grads;
        });
    }

    /// <summary>
    /// ReLU(Conv2d(...)) in one pass for inference: each part of the output is rectified while the kernel still has it in
    /// cache, instead of a second pass over the whole activation. The same values as the two ops; they run instead when a
    /// gradient is recorded and for float64.
    /// </summary>
    public Tensor Conv2dRelu(Tensor weight, Tensor? bias = null, int strideH = 1, int strideW = 1, int padH = 0, int padW = 0,
        int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        var g = ConvGeometryOf(weight, bias, strideH, strideW, padH, padW, dilationH, dilationW, groups);
        bool recorded = !NoGrad.IsActive && (RequiresGrad || weight.RequiresGrad || (bias?.RequiresGrad ?? false));
        if (recorded || DType != DType.Float32)
            return Conv2d(weight, bias, strideH, strideW, padH, padW, dilationH, dilationW, groups).Relu();
        return Conv2dForward<float>(DenseData(), weight.DenseData(), bias?.DenseData(), g, relu: true);
    }

    /// <summary>
    /// MaxPool2d(2)(ReLU(Conv2d(...))) in one pass for inference: each sample's convolution is pooled while it is still in
    /// cache, so the full-size activation is never stored (the first conv block of a CNN writes and re-reads 100 KB per
    /// image otherwise). The same values as the three ops; they run instead when a gradient is recorded, for float64, and
    /// where the stride-1 kernels do not apply or the output's height or width is odd.
    /// </summary>
    public Tensor Conv2dReluMaxPool2d(Tensor weight, Tensor? bias = null, int strideH = 1, int strideW = 1, int padH = 0, int padW = 0,
        int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        var g = ConvGeometryOf(weight, bias, strideH, strideW, padH, padW, dilationH, dilationW, groups);
        bool recorded = !NoGrad.IsActive && (RequiresGrad || weight.RequiresGrad || (bias?.RequiresGrad ?? false));
        if (recorded || DType != DType.Float32 || !ConvStride1.Applies(g) || g.OH % 2 != 0 || g.OW % 2 != 0)
            return Conv2d(weight, bias, strideH, strideW, padH, padW, dilationH, dilationW, groups).ReluMaxPool2d(2, 2, 2, 2);
        var x = DenseData();
        var w = weight.DenseData();
        var b = bias?.DenseData();
        var y = NewBuffer<float>(g.N * g.O * (g.OH / 2) * (g.OW / 2), zeroed: false, out var yStorage);
        if (w.Storage.IsReadOnly && ConvSingleChannel.Applies(g))
        {
            ConvSingleChannel.Forward(x.Data<float>(), x.Offset, w.Data<float>(), w.Offset, b?.Data<float>(), b?.Offset ?? 0, g, y, ConvTail.ReluMaxPool2x2);
            return new Tensor(yStorage, new Shape(g.N, g.O, g.OH / 2, g.OW / 2));
        }
        var packed = w.Storage.IsReadOnly ? PackedConvWeight(w, g) : null;
        ConvStride1.ForwardReluMaxPool(x.Data<float>(), x.Offset, w.Data<float>(), w.Offset, b?.Data<float>(), b?.Offset ?? 0, g, y, packed);
        return new Tensor(yStorage, new Shape(g.N, g.O, g.OH / 2, g.OW / 2));
    }

    private static Tensor Conv2dForward<T>(Tensor x, Tensor w, Tensor? b, ConvGeometry g, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = NewBuffer<T>(g.N * g.O * g.OH * g.OW, zeroed: false, out var yStorage);
        // A served model's single-channel first layer (read-only weights); training keeps the kernels its backward pairs with.
        if (typeof(T) == typeof(float) && w.Storage.IsReadOnly && ConvSingleChannel.Applies(g))
        {
            ConvSingleChannel.Forward(x.Data<float>(), x.Offset, w.Data<float>(), w.Offset, b?.Data<float>(), b?.Offset ?? 0, g, (float[])(object)y,
                relu ? ConvTail.Relu : ConvTail.None);
            return new Tensor(yStorage, new Shape(g.N, g.O, g.OH, g.OW));
        }
        // A served pointwise layer over small planes: one GEMM per sample against the weight packed once.
        if (typeof(T) == typeof(float) && w.Storage.IsReadOnly && ConvPointwiseGemm.Applies(g))
        {
            ConvPointwiseGemm.Forward(x.Data<float>(), x.Offset, PackedPointwiseWeight(w, g), b?.Data<float>(), b?.Offset ?? 0, g, (float[])(object)y, relu);
            return new Tensor(yStorage, new Shape(g.N, g.O, g.OH, g.OW));
        }
        var packed = typeof(T) == typeof(float) && w.Storage.IsReadOnly && ConvStride1.Applies(g) ? PackedConvWeight(w, g) : null;
        Conv2dKernels.Forward(x.Data<T>(), x.Offset, w.Data<T>(), w.Offset, b?.Data<T>(), b?.Offset ?? 0, g, y, packed, relu);
        return new Tensor(yStorage, new Shape(g.N, g.O, g.OH, g.OW));
    }

    // A read-only weight (a served model's) is packed into the forward kernel's form once (Winograd's transformed weights
    // for deep 3x3 layers, 16 or 36 points as the output size picks F(2x2) or F(4x4); the stride-1 panels otherwise); the
    // form depends on the weight's shape, groups and that tile, never on the batch size, so every batch size reads the same
    // packed weights and gets the same bits per sample.
    private static float[]? PackedConvWeight(Tensor w, ConvGeometry g) =>
        w.Storage.Derived((w.Offset, g.O, g.Cg, g.KH, g.KW, g.Groups, WinogradTile: ConvWinograd.ForwardTile(g)), (w, g),
            static (_, s) => Conv2dKernels.PackWeights(s.w.Data<float>(), s.w.Offset, s.g) ?? []);

    // wᵀ packed once as the GEMM's B (for the default micro-kernel; ConvPointwiseGemm.Applies is false under an override).
    private static PackedGemmB PackedPointwiseWeight(Tensor w, ConvGeometry g) =>
        w.Storage.Derived((w.Offset, g.O, g.C), (w, g),
            static (_, s) => ConvPointwiseGemm.PackWeights(s.w.Data<float>(), s.w.Offset, s.g));

    private static Tensor?[] Conv2dBackward<T>(Tensor x, Tensor w, Tensor gy, ConvGeometry g, bool needX, bool needW, bool needB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gx = needX ? Storage.Allocate(DTypeInfo.Of<T>(), g.N * g.C * g.H * g.W) : null;
        var gw = needW ? Storage.Allocate(DTypeInfo.Of<T>(), g.O * g.Cg * g.KH * g.KW) : null;
        var gb = needB ? Storage.Allocate(DTypeInfo.Of<T>(), g.O) : null;
        Conv2dKernels.Backward(x.Data<T>(), x.Offset, w.Data<T>(), w.Offset, gy.Data<T>(), g, gx?.As<T>(), gw?.As<T>(), gb?.As<T>());
        return [
            gx is null ? null : new Tensor(gx, x.Shape),
            gw is null ? null : new Tensor(gw, w.Shape),
            gb is null ? null : new Tensor(gb, new Shape(g.O))];
    }

    // Checks every argument of Conv2d and says what to change when one is wrong.
    private ConvGeometry ConvGeometryOf(Tensor weight, Tensor? bias, int sH, int sW, int pH, int pW, int dH, int dW, int groups)
    {
        RequireRank4("Conv2d");
        RequireFloat("Conv2d");
        if (weight.Rank != 4)
            throw new ArgumentException($"Conv2d expected weight (O,C/groups,kH,kW), got {weight.Shape}.");
        if (weight.DType != DType || (bias is not null && bias.DType != DType))
            throw new ArgumentException($"Conv2d: input is {DType} but weight is {weight.DType}{(bias is null ? "" : $" and bias {bias.DType}")}; convert them to one dtype with To().");
        if (sH < 1 || sW < 1 || dH < 1 || dW < 1 || pH < 0 || pW < 0)
            throw new ArgumentException($"Conv2d: stride ({sH},{sW}) and dilation ({dH},{dW}) must be >= 1 and padding ({pH},{pW}) >= 0.");
        int n = Shape[0], c = Shape[1], h = Shape[2], w = Shape[3];
        int o = weight.Shape[0], kh = weight.Shape[2], kw = weight.Shape[3];
        if (groups < 1 || c % groups != 0 || o % groups != 0)
            throw new ArgumentException($"Conv2d: groups={groups} must divide both the input channels (C={c}) and the output channels (O={o}); pick a groups value that divides both.");
        if (weight.Shape[1] * groups != c)
            throw new ArgumentException($"Conv2d expected input (N,C,H,W) with C={weight.Shape[1] * groups}, got {Shape}. " +
                $"The weight {weight.Shape} with groups={groups} needs C={weight.Shape[1] * groups}; did you mean in_channels={c}?");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != o))
            throw new ArgumentException($"Conv2d expected bias ({o}) for weight {weight.Shape}, got {bias.Shape}.");
        int ekh = dH * (kh - 1) + 1, ekw = dW * (kw - 1) + 1;
        if (ekh > h + 2 * pH || ekw > w + 2 * pW)
            throw new ArgumentException($"Conv2d: kernel {kh}x{kw} (dilation {dH},{dW}: {ekh}x{ekw}) is larger than the padded input " +
                $"{h + 2 * pH}x{w + 2 * pW} (input {Shape}, padding {pH},{pW}); use a smaller kernel or more padding.");
        return new ConvGeometry(n, c, h, w, o, kh, kw, sH, sW, pH, pW, dH, dW, groups);
    }
}
