namespace Lepton.Engine.Autograd;

/// <summary>Attaches a <see cref="GradNode"/> to an op's result when any input requires a gradient.</summary>
internal static class Tape
{
    public static bool ShouldRecord(Tensor a) => a.RequiresGrad && !NoGrad.IsActive;

    public static bool ShouldRecord(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && !NoGrad.IsActive;

    public static Tensor Record(Tensor result, string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (NoGrad.IsActive) return result;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return result;
        result.RequiresGrad = true;
        result.Node = new GradNode(op, inputs, backward);
        return result;
    }
}
