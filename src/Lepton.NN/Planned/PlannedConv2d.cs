using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Backends;
using Lepton.Engine.Kernels;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary><see cref="Conv2d"/> over fixed buffers, through the kernel backend (on the CPU, the kernels Tensor.Conv2d calls).</summary>
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

    public override void Forward() => Backend.Current.Conv2dForward(X, _weight.Value, _bias?.Value, _g, Y);

    public override void Backward() => Backend.Current.Conv2dBackward(X, _weight.Value, GY, _g, GX, _weight.Grad, _bias?.Grad);
}
