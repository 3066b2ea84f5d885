using System.Numerics;

namespace Lepton.Training.Optimizers;

/// <summary>The Adam update shared by <see cref="Adam"/> and <see cref="AdamW"/>, following torch's single-tensor code path.</summary>
internal static class AdamMath
{
    public static void Validate(string op, double beta1, double beta2, double eps, double weightDecay)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), $"{op}: Beta1 must be in [0, 1), got {beta1}.");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), $"{op}: Beta2 must be in [0, 1), got {beta2}.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"{op}: Eps must be >= 0, got {eps}.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"{op}: WeightDecay must be >= 0, got {weightDecay}.");
    }

    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, long step,
        double lr, double beta1, double beta2, double eps, double l2WeightDecay, double decoupledWeightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double bc1 = 1 - Math.Pow(beta1, step);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
        double stepSize = lr / bc1;
        double shrink = 1 - lr * decoupledWeightDecay;
        for (int i = 0; i < param.Length; i++)
        {
            double p = double.CreateTruncating(param[i]);
            if (decoupledWeightDecay != 0) p = Round<T>(p * shrink);
            double g = double.CreateTruncating(grad[i]);
            if (l2WeightDecay != 0) g = Round<T>(g + l2WeightDecay * p);
            double mi = Round<T>(double.CreateTruncating(m[i]) * beta1 + (1 - beta1) * g);
            double vi = Round<T>(double.CreateTruncating(v[i]) * beta2 + (1 - beta2) * g * g);
            m[i] = T.CreateTruncating(mi);
            v[i] = T.CreateTruncating(vi);
            double denom = Math.Sqrt(vi) / bc2Sqrt + eps;
            param[i] = T.CreateTruncating(p - stepSize * mi / denom);
        }
    }

    private static double Round<T>(double v) where T : unmanaged, IFloatingPointIeee754<T> =>
        double.CreateTruncating(T.CreateTruncating(v));
}
