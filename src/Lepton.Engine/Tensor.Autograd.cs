using Lepton.Engine.Autograd;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Back-propagates from this tensor (a scalar loss unless <paramref name="seed"/> is given) and
    /// returns the gradients of every leaf that requires grad. Pass an existing store to accumulate.
    /// </summary>
    public GradStore Backward(GradStore? accumulateInto = null, Tensor? seed = null) =>
        Backpropagation.Run(this, seed, accumulateInto);

    /// <summary>Marks this tensor as a leaf that wants a gradient; returns itself for chaining.</summary>
    public Tensor RequireGrad(bool value = true)
    {
        if (Node is not null && !value)
            throw new InvalidOperationException("Only leaf tensors can stop requiring grad; use Detach().");
        RequiresGrad = value;
        return this;
    }
}
