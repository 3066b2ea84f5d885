namespace Lepton.Engine.Tests;

/// <summary>Deterministic Float64 inputs for gradient checks, kept away from kinks where asked.</summary>
internal static class TestData
{
    public static Tensor Normal(int seed, params int[] shape) =>
        Tensor.Randn(new Shape(shape), new Generator((ulong)seed), dtype: DType.Float64);

    /// <summary>Uniform in [0.5, 2): safe for log, sqrt, division and fractional powers.</summary>
    public static Tensor Positive(int seed, params int[] shape) =>
        Tensor.Rand(new Shape(shape), new Generator((ulong)seed), 0.5, 2, DType.Float64);

    /// <summary>Normal values pushed at least 0.1 away from zero (for relu, abs, leaky relu).</summary>
    public static Tensor AwayFromZero(int seed, params int[] shape)
    {
        var v = Normal(seed, shape).ToDoubleArray();
        for (int i = 0; i < v.Length; i++) v[i] += v[i] >= 0 ? 0.1 : -0.1;
        return Tensor.FromArray(v, shape);
    }

    public static Tensor Ints(int[] values, params int[] shape) => Tensor.FromArray(values, shape);

    public static Tensor Floats(int seed, params int[] shape) =>
        Tensor.Randn(new Shape(shape), new Generator((ulong)seed), dtype: DType.Float32);
}
