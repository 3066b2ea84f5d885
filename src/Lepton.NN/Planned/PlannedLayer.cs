using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Memory;

namespace Lepton.NN.Planned;

/// <summary>
/// One layer of a <see cref="PlannedTrainingStep"/>: forward and backward between buffers made once when the step is
/// planned, calling the same kernels as the layer's recorded ops, so the values and gradients are the same bits.
/// </summary>
internal abstract class PlannedLayer
{
    /// <summary>This layer's input; the previous layer's <see cref="Y"/>.</summary>
    public Tensor X = null!;

    /// <summary>This layer's output.</summary>
    public Tensor Y = null!;

    /// <summary>The gradient of the loss with respect to <see cref="Y"/>.</summary>
    public Tensor GY = null!;

    /// <summary>The gradient with respect to <see cref="X"/>; null when no trainable parameter comes before this layer.</summary>
    public Tensor? GX;

    protected PlannedLayer(Module layer) => Layer = layer;

    /// <summary>The layer this was planned from.</summary>
    public Module Layer { get; }

    /// <summary>True when <see cref="Y"/> is a view of <see cref="X"/> (Flatten): no buffer and no work either way.</summary>
    public virtual bool ViewsInput => false;

    /// <summary>Whether the layer has a trainable parameter, so its backward runs even when <see cref="GX"/> is null.</summary>
    public virtual bool HasTrainableParameters => false;

    /// <summary>Whether <see cref="Backward"/> has anything to do: an input gradient wanted, or parameters to take gradients.</summary>
    public virtual bool NeedsBackward => GX is not null || HasTrainableParameters;

    public abstract void Forward();

    public abstract void Backward();

    /// <summary>Makes the gradient buffers of the trainable parameters and adds them to <paramref name="store"/>.</summary>
    public virtual void AddParameterGradients(GradStore store) { }

    /// <summary>True while each parameter is the tensor the step was planned with and its Trainable flag is unchanged.</summary>
    public virtual bool ParametersUnchanged => true;

    /// <summary>A buffer (Float32 unless told) owned by the step for as long as it lives (never from a TensorScope's pool).</summary>
    internal static Tensor Buffer(Shape shape, DType dtype = DType.Float32)
    {
        using var unpooled = TensorScope.Suspend();
        return Tensor.Zeros(shape, dtype);
    }

    /// <summary>A view of <paramref name="t"/>'s elements with another shape of the same size.</summary>
    internal static Tensor View(Tensor t, Shape shape) => new(t.Storage, shape);
}
