using Lepton.Engine;

namespace Lepton.NN.Losses;

/// <summary>Mean squared error (x - y)², as torch.nn.MSELoss.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : ILoss
{
    public string Name => "mse";

    public Tensor Compute(Tensor prediction, Tensor target) => Apply(prediction, target, reduction);

    public static Tensor Apply(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean) =>
        LossChecks.Reduce(prediction.Sub(LossChecks.SameShapeTarget("MSE", prediction, target)).Square(), reduction);
}

/// <summary>Mean absolute error |x - y|, as torch.nn.L1Loss.</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : ILoss
{
    public string Name => "l1";

    public Tensor Compute(Tensor prediction, Tensor target) => Apply(prediction, target, reduction);

    public static Tensor Apply(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean) =>
        LossChecks.Reduce(prediction.Sub(LossChecks.SameShapeTarget("L1", prediction, target)).Abs(), reduction);
}

/// <summary>Huber loss, as torch.nn.HuberLoss: ½d² where |d| &lt; δ, δ(|d| - ½δ) elsewhere.</summary>
public sealed class HuberLoss(double delta = 1.0, Reduction reduction = Reduction.Mean) : ILoss
{
    public double Delta { get; } = delta > 0 ? delta : throw new ArgumentException($"Huber: delta must be > 0, got {delta}.");

    public string Name => "huber";

    public Tensor Compute(Tensor prediction, Tensor target) => Apply(prediction, target, Delta, reduction);

    public static Tensor Apply(Tensor prediction, Tensor target, double delta = 1.0, Reduction reduction = Reduction.Mean)
    {
        var d = prediction.Sub(LossChecks.SameShapeTarget("Huber", prediction, target));
        var abs = d.Abs();
        var quadratic = d.Square().Mul(0.5);
        var linear = abs.Sub(0.5 * delta).Mul(delta);
        return LossChecks.Reduce(Tensor.Where(abs.Lt(delta), quadratic, linear), reduction);
    }
}

/// <summary>
/// Pinball (quantile) loss at level q: q·d where d = y − x ≥ 0, (q − 1)·d below; its minimizer is the q-quantile of the target
/// (q = 0.5 gives half the absolute error). No PyTorch module computes it.
/// </summary>
public sealed class PinballLoss(double quantile, Reduction reduction = Reduction.Mean) : ILoss
{
    public double Quantile { get; } = quantile is > 0 and < 1 ? quantile : throw new ArgumentException($"Pinball: quantile must lie in (0, 1), got {quantile}.");

    public string Name => "pinball";

    public Tensor Compute(Tensor prediction, Tensor target) => Apply(prediction, target, Quantile, reduction);

    public static Tensor Apply(Tensor prediction, Tensor target, double quantile, Reduction reduction = Reduction.Mean)
    {
        if (!(quantile is > 0 and < 1)) throw new ArgumentException($"Pinball: quantile must lie in (0, 1), got {quantile}.");
        // d = y - x: a target above the prediction costs q per unit, one below costs 1 - q.
        var d = LossChecks.SameShapeTarget("Pinball", prediction, target).Sub(prediction);
        return LossChecks.Reduce(Tensor.Where(d.Lt(0), d.Mul(quantile - 1), d.Mul(quantile)), reduction);
    }
}
