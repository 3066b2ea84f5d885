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
