using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.Compression.Tests.Support;

/// <summary>Finite-difference gradient checks in Float64: autograd gradients of a scalar function against central differences.</summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor> loss, Tensor leaf, string name, double eps = 1e-6, double tol = 1e-6)
    {
        Assert.True(leaf.DType == DType.Float64 && leaf.IsContiguous, $"{name} must be a contiguous Float64 leaf for a gradient check.");
        var analytic = loss().Backward().Get(leaf).ToDoubleArray();
        var data = leaf.Span<double>().ToArray();
        for (int i = 0; i < data.Length; i++)
        {
            double numeric = (Eval(loss, leaf, i, data[i] + eps) - Eval(loss, leaf, i, data[i] - eps)) / (2 * eps);
            leaf.Span<double>()[i] = data[i];
            if (!(Math.Abs(numeric - analytic[i]) <= tol * Math.Max(1, Math.Abs(numeric))))
                Assert.Fail($"Gradient of {name}[{i}]: finite difference {numeric:R}, autograd {analytic[i]:R}.");
        }
    }

    private static double Eval(Func<Tensor> loss, Tensor leaf, int i, double value)
    {
        leaf.Span<double>()[i] = value;
        using var _ = new NoGrad();
        return loss().ToDoubleArray()[0];
    }
}
