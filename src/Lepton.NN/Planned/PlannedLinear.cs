using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Backends;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary><see cref="Linear"/> over fixed buffers: y = x Wᵀ + b forward; gx, dW and db backward (through the kernel backend: Tensor.Linear's kernels on the CPU).</summary>
internal sealed class PlannedLinear : PlannedLayer
{
    private readonly PlannedParameter _weight;
    private readonly PlannedParameter? _bias;
    private readonly int _rows, _in, _out;

    // x: (*, in) → y: (*, out), with rows = the product of the leading dimensions
    public PlannedLinear(Linear layer, Shape input) : base(layer)
    {
        _weight = new PlannedParameter(layer.Weight);
        _bias = PlannedParameter.Of(layer.Bias);
        _in = layer.InFeatures;
        _out = layer.OutFeatures;
        _rows = input.Size / _in;
    }

    public override bool HasTrainableParameters => _weight.Trainable || (_bias?.Trainable ?? false);

    public override bool ParametersUnchanged => _weight.Unchanged && (_bias?.Unchanged ?? true);

    public override void AddParameterGradients(GradStore store)
    {
        _weight.AddTo(store);
        _bias?.AddTo(store);
    }

    public override void Forward() => Backend.Current.LinearForward(X, _weight.Value, _bias?.Value, Y, _rows, _in, _out);

    public override void Backward() =>
        Backend.Current.LinearBackward(X, _weight.Value, GY, GX, _weight.Grad, _bias?.Grad, _rows, _in, _out);
}
