using Lepton.Engine;
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
    private readonly bool _afterRelu, _fast;
    private readonly int[] _argmax;

    // x: (N,C,H,W) → y: (N,C,OH,OW); afterRelu pools max(x, 0) and masks the gradient by x > 0 (2x2 stride-2 pooling only).
    public PlannedMaxPool(MaxPool2d layer, Shape input, bool afterRelu) : base(layer)
    {
        int k = layer.KernelSize, s = layer.Stride, p = layer.Options.Padding;
        _g = new PoolGeometry(input[0] * input[1], input[2], input[3], k, k, s, s, p, p);
        _fast = MaxPool2x2.Applies(_g);
        if (afterRelu && !_fast) throw new ArgumentException("A ReLU fuses only into 2x2 stride-2 max pooling of even sizes.", nameof(afterRelu));
        _afterRelu = afterRelu;
        _argmax = new int[_g.Planes * _g.OH * _g.OW];
    }

    /// <summary>Whether a ReLU before this pool can run fused into it.</summary>
    public static bool FusesRelu(MaxPool2d layer, Shape input)
    {
        int k = layer.KernelSize, s = layer.Stride, p = layer.Options.Padding;
        return MaxPool2x2.Applies(new PoolGeometry(input[0] * input[1], input[2], input[3], k, k, s, s, p, p));
    }

    public override void Forward()
    {
        if (_fast) MaxPool2x2.Forward(X.Data<float>(), 0, _g, Y.Data<float>(), _argmax, _afterRelu);
        else Pool2dKernels.MaxForward(X.Data<float>(), 0, _g, Y.Data<float>(), _argmax);
    }

    public override void Backward()
    {
        var gx = GX!.Data<float>();
        if (_fast)
        {
            // The 2x2 windows tile the input, so the fast backward writes every element.
            MaxPool2x2.Backward(GY.Data<float>(), 0, _g, _argmax, gx, _afterRelu ? X.Data<float>() : null);
            return;
        }
        gx.AsSpan().Clear();
        Pool2dKernels.MaxBackward(GY.Data<float>(), 0, _g, _argmax, gx);
    }
}
