using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.Training.Callbacks;

namespace Lepton.Training.Transfer;

/// <summary>
/// Keeps a pretrained backbone frozen while the new head trains: its parameters are not trainable (no gradient, no update)
/// and its BatchNorm layers run in eval mode, so their running statistics stay the parent's. With
/// <paramref name="unfreezeAfter"/> set, everything trains from epoch unfreezeAfter + 1 on (0: from the start).
/// </summary>
public sealed class BackboneFreezing(IReadOnlyList<Parameter> backbone, IReadOnlyList<BatchNorm> backboneBatchNorms, int? unfreezeAfter) : ICallback
{
    /// <summary>True while the backbone is frozen.</summary>
    public bool Frozen { get; private set; }

    /// <summary>Freezes the backbone now (before the optimizer and the first planned step see the parameters).</summary>
    public void Freeze()
    {
        foreach (var p in backbone) p.Trainable = false;
        Frozen = true;
    }

    /// <summary>Unfreezes every backbone parameter; BatchNorm trains again from the next batch.</summary>
    public void Unfreeze()
    {
        foreach (var p in backbone) p.Trainable = true;
        Frozen = false;
    }

    // Fit puts the whole model in training mode at the start of every epoch, just before this hook.
    public void OnEpochBegin(TrainContext context, int epoch)
    {
        if (Frozen && unfreezeAfter is { } n && epoch > n) Unfreeze();
        if (!Frozen) return;
        foreach (var bn in backboneBatchNorms) bn.Eval();
    }
}
