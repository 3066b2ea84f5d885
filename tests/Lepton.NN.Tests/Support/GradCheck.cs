using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.NN.Tests.Support;

/// <summary>
/// Finite-difference gradient checks in Float64: compares autograd gradients of a scalar function with
/// central differences for (a sample of) the elements of each checked tensor.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor> loss, IReadOnlyList<(string Name, Tensor Leaf)> leaves, int maxPerTensor = 24,
        double eps = 1e-6, double tol = 1e-6)
    {
        foreach (var (name, leaf) in leaves)
            Assert.True(leaf.DType == DType.Float64 && leaf.IsContiguous, $"{name} must be a contiguous Float64 leaf for a gradient check.");
        var grads = loss().Backward();
        foreach (var (name, leaf) in leaves)
        {
            var analytic = grads.Get(leaf).ToDoubleArray();
            var data = leaf.Span<double>().ToArray();
            int step = Math.Max(1, data.Length / maxPerTensor);
            for (int i = 0; i < data.Length; i += step)
            {
                double numeric = (Eval(loss, leaf, i, data[i] + eps) - Eval(loss, leaf, i, data[i] - eps)) / (2 * eps);
                leaf.Span<double>()[i] = data[i];
                double bound = tol * Math.Max(1, Math.Abs(numeric));
                if (!(Math.Abs(numeric - analytic[i]) <= bound))
                    Assert.Fail($"Gradient of {name}[{i}]: finite difference {numeric:R}, autograd {analytic[i]:R}.");
            }
        }
    }

    private static double Eval(Func<Tensor> loss, Tensor leaf, int i, double value)
    {
        leaf.Span<double>()[i] = value;
        using var _ = new NoGrad();
        return loss().ToDoubleArray()[0];
    }
}
