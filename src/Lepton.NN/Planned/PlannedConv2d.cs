using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary><see cref="Conv2d"/> over fixed buffers, through the kernels Tensor.Conv2d calls (Conv2dKernels).</summary>
internal sealed class PlannedConv2d : PlannedLayer
{
    private readonly PlannedParameter _weight;
    private readonly PlannedParameter? _bias;
    private readonly ConvGeometry _g;

    // x: (N,C,H,W) → y: (N,O,OH,OW)
    public PlannedConv2d(Conv2d layer, Shape input) : base(layer)
    {
        _weight = new PlannedParameter(layer.Weight);
        _bias = PlannedParameter.Of(layer.Bias);
        var o = layer.Options;
        _g = new ConvGeometry(input[0], input[1], input[2], input[3], layer.OutChannels, layer.KernelSize, layer.KernelSize,
            o.Stride, o.Stride, o.Padding, o.Padding, o.Dilation, o.Dilation, o.Groups);
    }

    public override bool HasTrainableParameters => _weight.Trainable || (_bias?.Trainable ?? false);

    public override bool ParametersUnchanged => _weight.Unchanged && (_bias?.Unchanged ?? true);

    public override void AddParameterGradients(GradStore store)
    {
        _weight.AddTo(store);
        _bias?.AddTo(store);
    }

    public override void Forward()
    {
        var b = _bias?.Value;
        Conv2dKernels.Forward(X.Data<float>(), 0, _weight.Value.Data<float>(), 0, b?.Data<float>(), 0, _g, Y.Data<float>(), null);
    }

    public override void Backward()
    {
        var gx = GX?.Data<float>();
        var gw = _weight.Grad?.Data<float>();
        var gb = _bias?.Grad?.Data<float>();
        // The im2col path accumulates into its outputs (the recorded op hands it zeroed buffers); the stride-1 path
        // overwrites them.
        if (!ConvStride1.Applies(_g) || (gw is null && gb is not null))
        {
            gx?.AsSpan().Clear();
            gw?.AsSpan().Clear();
            gb?.AsSpan().Clear();
        }
        Conv2dKernels.Backward(X.Data<float>(), 0, _weight.Value.Data<float>(), 0, GY.Data<float>(), _g, gx, gw, gb);
    }
}
