using Lepton.Engine;
using Lepton.Engine.Backends;
using Lepton.Engine.Kernels;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary><see cref="AvgPool2d"/> and <see cref="AdaptiveAvgPool2d"/> over fixed buffers, through the kernel backend (Tensor's pooling kernels on the CPU).</summary>
internal sealed class PlannedAvgPool : PlannedLayer
{
    private readonly PoolGeometry? _g;
    private readonly int _planes, _h, _w, _oh, _ow;

    // x: (N,C,H,W) → y: (N,C,OH,OW); padding counts in the divisor, as AvgPool2d's default
    public PlannedAvgPool(AvgPool2d layer, Shape input) : base(layer)
    {
        int k = layer.KernelSize, s = layer.Stride, p = layer.Options.Padding;
        _g = new PoolGeometry(input[0] * input[1], input[2], input[3], k, k, s, s, p, p);
    }

    // x: (N,C,H,W) → y: (N,C,OutputH,OutputW) with PyTorch's bin edges
    public PlannedAvgPool(AdaptiveAvgPool2d layer, Shape input) : base(layer)
    {
        (_planes, _h, _w, _oh, _ow) = (input[0] * input[1], input[2], input[3], layer.OutputH, layer.OutputW);
    }

    public override void Forward()
    {
        if (_g is { } g) Backend.Current.AvgPool2dForward(X, g, Y);
        else Backend.Current.AdaptiveAvgPool2dForward(X, _planes, _h, _w, _oh, _ow, Y);
    }

    public override void Backward()
    {
        if (_g is { } g) Backend.Current.AvgPool2dBackward(GY, g, GX!);
        else Backend.Current.AdaptiveAvgPool2dBackward(GY, _planes, _h, _w, _oh, _ow, GX!);
    }
}
