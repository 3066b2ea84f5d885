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

    /// <summary>
    /// Keeps the gradient of this computed (non-leaf) tensor in the store <see cref="Backward"/> returns, as PyTorch's
    /// <c>retain_grad</c> does: explanations (Grad-CAM) need the gradient at an intermediate activation. Returns itself.
    /// </summary>
    public Tensor RetainGrad()
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("RetainGrad() on a tensor that does not require grad: no parameter or leaf that wants a gradient reaches it.");
        RetainsGrad = true;
        return this;
    }

    /// <summary>Whether <see cref="RetainGrad"/> asked for this tensor's gradient to be kept.</summary>
    public bool RetainsGrad { get; private set; }

    /// <summary>Marks this tensor as a leaf that wants a gradient; returns itself for chaining.</summary>
    public Tensor RequireGrad(bool value = true)
    {
        if (Node is not null && !value)
            throw new InvalidOperationException("Only leaf tensors can stop requiring grad; use Detach().");
        RequiresGrad = value;
        return this;
    }
}
