using Lepton.Engine;

namespace Lepton.NN.Losses;

/// <summary>Options of <see cref="BCEWithLogitsLoss"/>: pos_weight broadcast over the last dimension, reduction.</summary>
public sealed record BCEWithLogitsOptions(Tensor? PosWeight = null, Reduction Reduction = Reduction.Mean);

/// <summary>
/// Binary cross-entropy on logits, stable for any magnitude: with p the pos_weight,
/// ℓ = (1-y)·x + (1 + (p-1)·y)·softplus(-x), softplus(-x) = max(-x,0) + log(e^{-max(-x,0)} + e^{-x-max(-x,0)}), as PyTorch.
/// </summary>
public sealed class BCEWithLogitsLoss(BCEWithLogitsOptions? options = null) : ILoss
{
    public BCEWithLogitsOptions Options { get; } = options ?? new BCEWithLogitsOptions();

    public string Name => "bce_with_logits";

    public Tensor Compute(Tensor logits, Tensor targets) => Apply(logits, targets, Options);

    public static Tensor Apply(Tensor x, Tensor targets, BCEWithLogitsOptions? options = null)
    {
        var o = options ?? new BCEWithLogitsOptions();
        var y = LossChecks.SameShapeTarget("BCEWithLogits", x, targets);
        var m = x.Neg().Relu();
        var softplusNegX = m.Add(m.Neg().Exp().Add(x.Neg().Sub(m).Exp()).Log());
        Tensor weightOfLog = o.PosWeight is { } pw
            ? pw.To(x.DType).Sub(1).Mul(y).Add(1)
            : Tensor.Scalar(1, x.DType);
        var loss = y.Neg().Add(1).Mul(x).Add(weightOfLog.Mul(softplusNegX));
        return LossChecks.Reduce(loss, o.Reduction);
    }
}
