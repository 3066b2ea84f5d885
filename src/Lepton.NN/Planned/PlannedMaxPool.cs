using Lepton.Engine;
using Lepton.Engine.Backends;
using Lepton.Engine.Kernels;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary>
/// <see cref="MaxPool2d"/> over fixed buffers, alone or fused with the ReLU before it (as Sequential runs a ReLU then a
/// 2x2 pool: Tensor.ReluMaxPool2d); the winners' positions are kept for the backward.
/// </summary>
internal sealed class PlannedMaxPool : PlannedLayer
{
    private readonly PoolGeometry _g;
    private readonly bool _afterRelu;
    private readonly Tensor _argmax;

    // x: (N,C,H,W) → y: (N,C,OH,OW); afterRelu pools max(x, 0) and masks the gradient by x > 0 (2x2 stride-2 pooling only).
    public PlannedMaxPool(MaxPool2d layer, Shape input, bool afterRelu) : base(layer)
    {
        int k = layer.KernelSize, s = layer.Stride, p = layer.Options.Padding;
        _g = new PoolGeometry(input[0] * input[1], input[2], input[3], k, k, s, s, p, p);
        if (afterRelu && !Backend.Current.MaxPoolFusesRelu(_g))
            throw new ArgumentException("A ReLU fuses only into 2x2 stride-2 max pooling of even sizes.", nameof(afterRelu));
        _afterRelu = afterRelu;
        _argmax = Buffer(new Shape(_g.Planes * _g.OH * _g.OW), DType.Int32);
    }

    /// <summary>Whether a ReLU before this pool can run fused into it.</summary>
    public static bool FusesRelu(MaxPool2d layer, Shape input)
    {
        int k = layer.KernelSize, s = layer.Stride, p = layer.Options.Padding;
        return Backend.Current.MaxPoolFusesRelu(new PoolGeometry(input[0] * input[1], input[2], input[3], k, k, s, s, p, p));
    }

    public override void Forward() => Backend.Current.MaxPool2dForward(X, _g, Y, _argmax, _afterRelu);

    public override void Backward() => Backend.Current.MaxPool2dBackward(GY, _g, _argmax, GX!, _afterRelu ? X : null);
}
