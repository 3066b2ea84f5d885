using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.NN.Planned;

/// <summary>A parameter as a planned step saw it: the tensor, whether it trains, and its gradient buffer when it does.</summary>
internal sealed class PlannedParameter
{
    private readonly Parameter _parameter;
    private readonly Tensor _value;
    private readonly bool _trainable;

    public PlannedParameter(Parameter parameter)
    {
        _parameter = parameter;
        _value = parameter.Value;
        _trainable = parameter.Trainable;
    }

    public Tensor Value => _value;

    public bool Trainable => _trainable;

    /// <summary>The gradient buffer (null until <see cref="AddTo"/> and for a frozen parameter).</summary>
    public Tensor? Grad { get; private set; }

    public void AddTo(GradStore store)
    {
        if (!_trainable) return;
        Grad = PlannedLayer.Buffer(_value.Shape);
        store.Set(_value, Grad);
    }

    /// <summary>False once the parameter was replaced (a dtype conversion) or frozen or unfrozen since planning.</summary>
    public bool Unchanged => ReferenceEquals(_parameter.Value, _value) && _parameter.Trainable == _trainable;

    public static PlannedParameter? Of(Parameter? p) => p is null ? null : new PlannedParameter(p);
}
