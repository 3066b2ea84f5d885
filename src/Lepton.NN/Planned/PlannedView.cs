namespace Lepton.NN.Planned;

/// <summary>A layer that only reshapes (Flatten): its output is a view of its input and its input gradient a view of its output gradient.</summary>
internal sealed class PlannedView(Module layer) : PlannedLayer(layer)
{
    public override bool ViewsInput => true;

    public override void Forward() { }

    public override void Backward() { }
}
