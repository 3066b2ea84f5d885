using Lepton.Engine;

namespace Lepton.NN;

/// <summary>A trainable tensor owned by a module: a leaf that requires grad, updated in place by optimizers.</summary>
public sealed class Parameter
{
    public Parameter(Tensor value, string name = "")
    {
        Value = value.Contiguous();
        Value.RequiresGrad = true;
        Name = name;
        Value.Name = name;
    }

    /// <summary>The dense data. Optimizers write into <c>Value.Span&lt;float&gt;()</c> under NoGrad.</summary>
    public Tensor Value { get; private set; }

    /// <summary>Dotted state-dict name, e.g. <c>0.weight</c>; set by the owning module tree.</summary>
    public string Name { get; internal set; }

    public Shape Shape => Value.Shape;

    public int Numel => Value.Numel;

    /// <summary>False freezes the parameter (transfer learning): it gets no gradient and no update.</summary>
    public bool Trainable
    {
        get => Value.RequiresGrad;
        set => Value.RequiresGrad = value;
    }

    /// <summary>Overwrites the values (shape must match), e.g. when loading weights.</summary>
    public void Assign(Tensor src)
    {
        if (src.Shape != Value.Shape)
            throw new ArgumentException($"Parameter {Name}: expected shape {Value.Shape}, got {src.Shape}.");
        Value.CopyFrom(src.DType == Value.DType ? src : src.To(Value.DType));
    }

    /// <summary>Replaces the value with a copy in another dtype (e.g. Float64 for gradient checks); keeps Trainable.</summary>
    internal void ConvertTo(DType dtype)
    {
        if (Value.DType == dtype) return;
        bool trainable = Trainable;
        Value = Value.Detach().To(dtype).Clone();
        Value.RequiresGrad = trainable;
        Value.Name = Name;
    }

    public static implicit operator Tensor(Parameter p) => p.Value;

    public override string ToString() => $"Parameter {Name} {Shape}";
}
