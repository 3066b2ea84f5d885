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

/// <summary>
/// Poisson negative log-likelihood of a log-rate input, as torch.nn.PoissonNLLLoss(log_input=True, full=False):
/// exp(x) − y·x, the half Poisson deviance up to terms free of x. x is log μ; y a count (or any target ≥ 0).
/// </summary>
public sealed class PoissonNLLLoss(Reduction reduction = Reduction.Mean) : ILoss
{
    public string Name => "poisson_nll";

    public Tensor Compute(Tensor prediction, Tensor target) => Apply(prediction, target, reduction);

    public static Tensor Apply(Tensor logRate, Tensor target, Reduction reduction = Reduction.Mean)
    {
        var y = LossChecks.SameShapeTarget("PoissonNLL", logRate, target);
        return LossChecks.Reduce(logRate.Exp().Sub(y.Mul(logRate)), reduction);
    }
}

/// <summary>
/// Half the unit deviance through a log link, up to terms free of x = log μ, for Tweedie power p: gamma (p = 2) y·e^(−x) + x;
/// 1 &lt; p &lt; 2 −y·e^((1−p)x)/(1−p) + e^((2−p)x)/(2−p) (p = 1 is <see cref="PoissonNLLLoss"/>). The objective of scikit-learn's
/// GammaRegressor and TweedieRegressor(link="log").
/// </summary>
public sealed class TweedieDevianceLoss(double power, Reduction reduction = Reduction.Mean) : ILoss
{
    public double Power { get; } = power is > 1 and <= 2 ? power : throw new ArgumentException($"TweedieDeviance: power must lie in (1, 2], got {power}; use PoissonNLLLoss for 1.");

    public string Name => "tweedie_deviance";

    public Tensor Compute(Tensor prediction, Tensor target) => Apply(prediction, target, Power, reduction);

    public static Tensor Apply(Tensor logMean, Tensor target, double power, Reduction reduction = Reduction.Mean)
    {
        if (!(power is > 1 and <= 2)) throw new ArgumentException($"TweedieDeviance: power must lie in (1, 2], got {power}; use PoissonNLLLoss for 1.");
        var y = LossChecks.SameShapeTarget("TweedieDeviance", logMean, target);
        var perElement = power == 2
            ? y.Mul(logMean.Neg().Exp()).Add(logMean)
            : logMean.Mul(2 - power).Exp().Mul(1 / (2 - power)).Sub(y.Mul(logMean.Mul(1 - power).Exp()).Mul(1 / (1 - power)));
        return LossChecks.Reduce(perElement, reduction);
    }
}
