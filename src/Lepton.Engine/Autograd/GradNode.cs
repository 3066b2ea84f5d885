namespace Lepton.Engine.Autograd;

/// <summary>
/// One recorded op: its inputs and a function from the output gradient to one gradient per input
/// (null where an input needs none).
/// </summary>
public sealed class GradNode
{
    internal GradNode(string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Op = op;
        Inputs = inputs;
        BackwardFn = backward;
    }

    public string Op { get; }

    public IReadOnlyList<Tensor> Inputs { get; }

    internal Func<Tensor, Tensor?[]> BackwardFn { get; }

    public override string ToString() => $"GradNode({Op})";
}
