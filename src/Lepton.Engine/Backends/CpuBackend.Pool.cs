using Lepton.Engine.Kernels;

namespace Lepton.Engine.Backends;

internal sealed partial class CpuBackend
{
    public bool MaxPoolFusesRelu(PoolGeometry g) => MaxPool2x2.Applies(g);

    public void MaxPool2dForward(Tensor x, PoolGeometry g, Tensor y, Tensor argmax, bool relu)
    {
        RequireAtZero(y, "MaxPool2dForward");
        RequireAtZero(argmax, "MaxPool2dForward");
        if (MaxPool2x2.Applies(g)) MaxPool2x2.Forward(x.Data<float>(), x.Offset, g, y.Data<float>(), argmax.Data<int>(), relu);
        else if (relu) throw new ArgumentException($"MaxPool2dForward: a ReLU fuses only into 2x2 stride-2 max pooling of even sizes, got {g}; run the ReLU first.");
        else Pool2dKernels.MaxForward(x.Data<float>(), x.Offset, g, y.Data<float>(), argmax.Data<int>());
    }

    public void MaxPool2dBackward(Tensor gy, PoolGeometry g, Tensor argmax, Tensor gx, Tensor? reluInput)
    {
        RequireAtZero(gx, "MaxPool2dBackward");
        if (MaxPool2x2.Applies(g))
        {
            // The 2x2 windows tile the input, so the fast backward writes every element.
            MaxPool2x2.Backward(gy.Data<float>(), gy.Offset, g, argmax.Data<int>(), gx.Data<float>(), reluInput?.Data<float>(), reluInput?.Offset ?? 0);
            return;
        }
        if (reluInput is not null) throw new ArgumentException($"MaxPool2dBackward: a ReLU fuses only into 2x2 stride-2 max pooling, got {g}.");
        var gxa = gx.Data<float>();
        gxa.AsSpan().Clear(); // the general backward adds (windows may overlap)
        Pool2dKernels.MaxBackward(gy.Data<float>(), gy.Offset, g, argmax.Data<int>(), gxa);
    }

    public void AvgPool2dForward(Tensor x, PoolGeometry g, Tensor y)
    {
        RequireAtZero(y, "AvgPool2dForward");
        Pool2dKernels.AvgForward(x.Data<float>(), x.Offset, g, y.Data<float>());
    }

    public void AvgPool2dBackward(Tensor gy, PoolGeometry g, Tensor gx)
    {
        RequireAtZero(gx, "AvgPool2dBackward");
        var gxa = gx.Data<float>();
        gxa.AsSpan().Clear(); // the kernel adds (windows may overlap)
        Pool2dKernels.AvgBackward(gy.Data<float>(), gy.Offset, g, gxa);
    }

    public void AdaptiveAvgPool2dForward(Tensor x, int planes, int h, int w, int oh, int ow, Tensor y)
    {
        RequireAtZero(y, "AdaptiveAvgPool2dForward");
        Pool2dKernels.AdaptiveAvgForward(x.Data<float>(), x.Offset, planes, h, w, oh, ow, y.Data<float>());
    }

    public void AdaptiveAvgPool2dBackward(Tensor gy, int planes, int h, int w, int oh, int ow, Tensor gx)
    {
        RequireAtZero(gx, "AdaptiveAvgPool2dBackward");
        var gxa = gx.Data<float>();
        gxa.AsSpan().Clear(); // the kernel adds (bins may overlap)
        Pool2dKernels.AdaptiveAvgBackward(gy.Data<float>(), gy.Offset, planes, h, w, oh, ow, gxa);
    }
}
