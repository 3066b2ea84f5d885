using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Combines two or more tensors element by element with broadcasting (PyTorch's rules), e.g. a residual
/// block's <c>out + shortcut</c>. With one input it is the identity.
/// </summary>
public abstract class ElementwiseMerge : Module, ILayerConfig
{
    public override int InputArity => -1;

    public override Tensor Forward(Tensor x) => x;

    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count == 0) throw new ArgumentException($"{TypeName} needs at least one input, got none.");
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            try
            {
                Shape.Broadcast(y.Shape, inputs[i].Shape);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException(
                    $"{TypeName} cannot combine inputs of shapes {string.Join(" and ", inputs.Select(t => t.Shape.ToString()))}: input {i} does not broadcast to the others. " +
                    "Make the shapes equal (e.g. a 1x1 Conv2d projection on the shortcut) or broadcastable.");
            }
            y = Combine(y, inputs[i]);
        }
        return [y];
    }

    /// <summary>a ∘ b for two broadcastable tensors.</summary>
    protected abstract Tensor Combine(Tensor a, Tensor b);

    public JsonObject GetConfig() => [];

    public override string ToString() => TypeName + "()";
}

/// <summary>Sum of its inputs: <c>torch.add</c>, Keras's <c>Add</c>.</summary>
public sealed class Add : ElementwiseMerge
{
    protected override Tensor Combine(Tensor a, Tensor b) => a.Add(b);
}

/// <summary>Element-wise product of its inputs (gates, attention masks): <c>torch.mul</c>, Keras's <c>Multiply</c>.</summary>
public sealed class Mul : ElementwiseMerge
{
    protected override Tensor Combine(Tensor a, Tensor b) => a.Mul(b);
}
