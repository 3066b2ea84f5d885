using Lepton.Engine.Autograd;

namespace Lepton.Engine.Tests;

/// <summary>
/// Finite-difference gradient check in Float64: compares every input's analytic gradient of
/// loss = Σ f(inputs) ⊙ W (W fixed random, so every output element matters) with central differences.
/// </summary>
public static class GradCheck
{
    public const double Eps = 1e-6;
    public const double AbsTol = 1e-6;
    public const double RelTol = 1e-5;

    public static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        foreach (var x in inputs)
        {
            Assert.Equal(DType.Float64, x.DType);
            Assert.True(x.IsContiguous && x.Node is null, "GradCheck inputs must be dense leaves.");
            x.RequireGrad();
        }
        var y = f(inputs);
        Assert.Equal(DType.Float64, y.DType);
        var weights = Tensor.Randn(y.Shape, new Generator(4242), dtype: DType.Float64);
        var grads = y.Mul(weights).Sum().Backward();

        double Loss()
        {
            using var _ = new NoGrad();
            return f(inputs).Mul(weights).Sum().ToDoubleArray()[0];
        }

        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            var analytic = grads[x]?.ToDoubleArray() ?? new double[x.Numel];
            Assert.Equal(x.Numel, analytic.Length);
            var data = x.Storage.As<double>();
            for (int i = 0; i < x.Numel; i++)
            {
                int at = x.Offset + i;
                double orig = data[at];
                data[at] = orig + Eps;
                double up = Loss();
                data[at] = orig - Eps;
                double down = Loss();
                data[at] = orig;
                double numeric = (up - down) / (2 * Eps);
                double err = Math.Abs(analytic[i] - numeric);
                if (err > AbsTol + RelTol * Math.Abs(numeric))
                    Assert.Fail($"Input {k} {x.Shape}, element {i}: analytic {analytic[i]:G10} vs numeric {numeric:G10} (error {err:G3}).");
            }
        }
    }
}
