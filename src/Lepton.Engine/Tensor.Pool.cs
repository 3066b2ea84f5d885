using System.Numerics;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>Max pooling. x: (N,C,H,W) → (N,C,OH,OW).</summary>
    public Tensor MaxPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH = 0, int padW = 0)
    {
        var g = PoolGeometryOf("MaxPool2d", kernelH, kernelW, strideH, strideW, padH, padW);
        var x = DenseData();
        var outShape = new Shape(Shape[0], Shape[1], g.OH, g.OW);
        bool fast = DType == DType.Float32 && MaxPool2x2.Applies(g);
        // Only a backward needs the winners' positions; the 2x2 kernel skips them in inference (every element is
        // written when they are kept).
        var argmax = fast && !Tape.ShouldRecord(this) ? null : NewBuffer<int>(g.Planes * g.OH * g.OW, zeroed: false, out _);
        var y = DType == DType.Float32 ? MaxPoolForward<float>(x, g, argmax, outShape) : MaxPoolForward<double>(x, g, argmax, outShape);
        var inShape = Shape;
        return Tape.Record(y, "max_pool2d", [this], gy => [DType == DType.Float32
            ? MaxPoolBackward<float>(gy.DenseData(), g, argmax!, inShape)
            : MaxPoolBackward<double>(gy.DenseData(), g, argmax!, inShape)]);
    }

    /// <summary>
    /// MaxPool2d(ReLU(x)) as one op: the same values, winners and gradients as the two ops in a row, without storing
    /// the ReLU output or making a separate gradient pass (2x2 stride-2 float32 pooling; other shapes run the two ops).
    /// </summary>
    public Tensor ReluMaxPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH = 0, int padW = 0)
    {
        var g = PoolGeometryOf("MaxPool2d", kernelH, kernelW, strideH, strideW, padH, padW);
        if (DType != DType.Float32 || !MaxPool2x2.Applies(g)) return Relu().MaxPool2d(kernelH, kernelW, strideH, strideW, padH, padW);
        var x = DenseData();
        var outShape = new Shape(Shape[0], Shape[1], g.OH, g.OW);
        var argmax = Tape.ShouldRecord(this) ? NewBuffer<int>(g.Planes * g.OH * g.OW, zeroed: false, out _) : null;
        var y = NewBuffer<float>(outShape.Size, zeroed: false, out var yStorage);
        MaxPool2x2.Forward(x.Data<float>(), x.Offset, g, y, argmax, relu: true);
        var inShape = Shape;
        return Tape.Record(new Tensor(yStorage, outShape), "relu_max_pool2d", [this], gy =>
        {
            var gyd = gy.DenseData();
            var gx = NewBuffer<float>(inShape.Size, zeroed: false, out var gxStorage);
            MaxPool2x2.Backward(gyd.Data<float>(), gyd.Offset, g, argmax!, gx, x.Data<float>(), x.Offset);
            return [new Tensor(gxStorage, inShape)];
        });
    }

    private static Tensor MaxPoolForward<T>(Tensor x, PoolGeometry g, int[]? argmax, Shape outShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = NewBuffer<T>(outShape.Size, zeroed: false, out var yStorage);
        if (typeof(T) == typeof(float) && MaxPool2x2.Applies(g))
            MaxPool2x2.Forward((float[])(object)x.Data<T>(), x.Offset, g, (float[])(object)y, argmax);
        else
            Pool2dKernels.MaxForward(x.Data<T>(), x.Offset, g, y, argmax!);
        return new Tensor(yStorage, outShape);
    }

    private static Tensor MaxPoolBackward<T>(Tensor gy, PoolGeometry g, int[] argmax, Shape inShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && MaxPool2x2.Applies(g))
        {
            // The 2x2 windows tile the input, so the fast backward writes every element.
            var gxFast = NewBuffer<float>(inShape.Size, zeroed: false, out var gxFastStorage);
            MaxPool2x2.Backward((float[])(object)gy.Data<T>(), gy.Offset, g, argmax, gxFast);
            return new Tensor(gxFastStorage, inShape);
        }
        var gx = NewBuffer<T>(inShape.Size, zeroed: true, out var gxStorage);
        Pool2dKernels.MaxBackward(gy.Data<T>(), gy.Offset, g, argmax, gx);
        return new Tensor(gxStorage, inShape);
    }

    /// <summary>Average pooling (padding counted in the divisor, as PyTorch's default). x: (N,C,H,W).</summary>
    public Tensor AvgPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH = 0, int padW = 0)
    {
        var g = PoolGeometryOf("AvgPool2d", kernelH, kernelW, strideH, strideW, padH, padW);
        var x = DenseData();
        var outShape = new Shape(Shape[0], Shape[1], g.OH, g.OW);
        var y = DType == DType.Float32 ? AvgPoolForward<float>(x, g, outShape) : AvgPoolForward<double>(x, g, outShape);
        var inShape = Shape;
        return Tape.Record(y, "avg_pool2d", [this], gy => [DType == DType.Float32
            ? AvgPoolBackward<float>(gy.DenseData(), g, inShape)
            : AvgPoolBackward<double>(gy.DenseData(), g, inShape)]);
    }

    private static Tensor AvgPoolForward<T>(Tensor x, PoolGeometry g, Shape outShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = NewBuffer<T>(outShape.Size, zeroed: false, out var yStorage);
        Pool2dKernels.AvgForward(x.Data<T>(), x.Offset, g, y);
        return new Tensor(yStorage, outShape);
    }

    private static Tensor AvgPoolBackward<T>(Tensor gy, PoolGeometry g, Shape inShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gx = NewBuffer<T>(inShape.Size, zeroed: true, out var gxStorage);
        Pool2dKernels.AvgBackward(gy.Data<T>(), gy.Offset, g, gx);
        return new Tensor(gxStorage, inShape);
    }

    /// <summary>Adaptive average pooling to (outH,outW), PyTorch's bin edges. x: (N,C,H,W).</summary>
    public Tensor AdaptiveAvgPool2d(int outH, int outW)
    {
        RequireRank4("AdaptiveAvgPool2d");
        RequireFloat("AdaptiveAvgPool2d");
        if (outH < 1 || outW < 1)
            throw new ArgumentException($"AdaptiveAvgPool2d: output size ({outH},{outW}) must be at least (1,1).");
        int planes = Shape[0] * Shape[1], h = Shape[2], w = Shape[3];
        if (h < 1 || w < 1)
            throw new ArgumentException($"AdaptiveAvgPool2d: input {Shape} has an empty spatial size; H and W must be at least 1.");
        var x = DenseData();
        var outShape = new Shape(Shape[0], Shape[1], outH, outW);
        var y = DType == DType.Float32
            ? AdaptiveForward<float>(x, planes, h, w, outShape)
            : AdaptiveForward<double>(x, planes, h, w, outShape);
        var inShape = Shape;
        return Tape.Record(y, "adaptive_avg_pool2d", [this], gy => [DType == DType.Float32
            ? AdaptiveBackward<float>(gy.DenseData(), planes, inShape, outH, outW)
            : AdaptiveBackward<double>(gy.DenseData(), planes, inShape, outH, outW)]);
    }

    private static Tensor AdaptiveForward<T>(Tensor x, int planes, int h, int w, Shape outShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = NewBuffer<T>(outShape.Size, zeroed: false, out var yStorage);
        Pool2dKernels.AdaptiveAvgForward(x.Data<T>(), x.Offset, planes, h, w, outShape[2], outShape[3], y);
        return new Tensor(yStorage, outShape);
    }

    private static Tensor AdaptiveBackward<T>(Tensor gy, int planes, Shape inShape, int outH, int outW) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gx = NewBuffer<T>(inShape.Size, zeroed: true, out var gxStorage);
        Pool2dKernels.AdaptiveAvgBackward(gy.Data<T>(), gy.Offset, planes, inShape[2], inShape[3], outH, outW, gx);
        return new Tensor(gxStorage, inShape);
    }

    private PoolGeometry PoolGeometryOf(string op, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        RequireRank4(op);
        RequireFloat(op);
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0)
            throw new ArgumentException($"{op}: kernel ({kh},{kw}) and stride ({sh},{sw}) must be >= 1 and padding ({ph},{pw}) >= 0.");
        if (ph > kh / 2 || pw > kw / 2)
            throw new ArgumentException($"{op}: padding ({ph},{pw}) must be at most half the kernel ({kh},{kw}), as in PyTorch; use a larger kernel or less padding.");
        int h = Shape[2], w = Shape[3];
        if (kh > h + 2 * ph || kw > w + 2 * pw)
            throw new ArgumentException($"{op}: kernel {kh}x{kw} is larger than the padded input {h + 2 * ph}x{w + 2 * pw} (input {Shape}, padding {ph},{pw}); use a smaller kernel or more padding.");
        return new PoolGeometry(Shape[0] * Shape[1], h, w, kh, kw, sh, sw, ph, pw);
    }
}
