using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.NN;

/// <summary>Which fan Kaiming initialization preserves: the forward pass (FanIn) or the backward pass (FanOut).</summary>
public enum FanMode { FanIn, FanOut }

/// <summary>The nonlinearity that follows a layer, for the gain of Kaiming/Xavier initialization (torch.nn.init.calculate_gain).</summary>
public enum Nonlinearity { Linear, Sigmoid, Tanh, ReLU, LeakyReLU }

/// <summary>
/// In-place initializers with PyTorch's formulas (torch.nn.init), drawing from an explicit
/// <see cref="Generator"/> so every model is reproducible from its seed.
/// </summary>
public static class Init
{
    /// <summary>fan_in and fan_out of a weight: (out,in) for Linear, (O,C/groups,kH,kW) for Conv2d.</summary>
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        if (shape.Rank < 2)
            throw new ArgumentException($"Fan in and fan out need a weight of rank >= 2, got shape {shape}.");
        int receptive = 1;
        for (int i = 2; i < shape.Rank; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    public static double Gain(Nonlinearity nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3.0,
        Nonlinearity.ReLU => Math.Sqrt(2.0),
        Nonlinearity.LeakyReLU => Math.Sqrt(2.0 / (1 + negativeSlope * negativeSlope)),
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity)),
    };

    /// <summary>U(-b, b) with b = gain·√(3/fan); <paramref name="a"/> is the leaky-ReLU slope (torch default a=0, leaky_relu, fan_in).</summary>
    public static void KaimingUniform(Tensor w, Generator rng, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyReLU)
    {
        double bound = Gain(nonlinearity, a) * Math.Sqrt(3.0 / Fan(w, mode));
        Uniform(w, rng, -bound, bound);
    }

    /// <summary>N(0, std²) with std = gain/√fan.</summary>
    public static void KaimingNormal(Tensor w, Generator rng, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyReLU) =>
        Normal(w, rng, 0, Gain(nonlinearity, a) / Math.Sqrt(Fan(w, mode)));

    /// <summary>U(-b, b) with b = gain·√(6/(fan_in+fan_out)) (Glorot).</summary>
    public static void XavierUniform(Tensor w, Generator rng, double gain = 1.0)
    {
        var (fi, fo) = Fans(w.Shape);
        double bound = gain * Math.Sqrt(6.0 / (fi + fo));
        Uniform(w, rng, -bound, bound);
    }

    /// <summary>N(0, std²) with std = gain·√(2/(fan_in+fan_out)).</summary>
    public static void XavierNormal(Tensor w, Generator rng, double gain = 1.0)
    {
        var (fi, fo) = Fans(w.Shape);
        Normal(w, rng, 0, gain * Math.Sqrt(2.0 / (fi + fo)));
    }

    public static void Uniform(Tensor t, Generator rng, double low, double high) =>
        Overwrite(t, Tensor.Rand(t.Shape, rng, low, high, t.DType));

    public static void Normal(Tensor t, Generator rng, double mean, double std) =>
        Overwrite(t, Tensor.Randn(t.Shape, rng, mean, std, t.DType));

    public static void Constant(Tensor t, double value) => Overwrite(t, Tensor.Full(t.Shape, value, t.DType));

    public static void Zeros(Tensor t) => Constant(t, 0);

    public static void Ones(Tensor t) => Constant(t, 1);

    /// <summary>torch.nn.Linear/Conv2d default weight: kaiming_uniform with a=√5, i.e. U(±1/√fan_in).</summary>
    public static void TorchDefaultWeight(Tensor w, Generator rng) => KaimingUniform(w, rng, a: Math.Sqrt(5));

    /// <summary>torch.nn.Linear/Conv2d default bias: U(±1/√fan_in).</summary>
    public static void TorchDefaultBias(Tensor b, int fanIn, Generator rng)
    {
        double bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
        Uniform(b, rng, -bound, bound);
    }

    private static int Fan(Tensor w, FanMode mode)
    {
        var (fi, fo) = Fans(w.Shape);
        int fan = mode == FanMode.FanIn ? fi : fo;
        if (fan == 0) throw new ArgumentException($"Kaiming initialization of a weight with shape {w.Shape}: fan is 0.");
        return fan;
    }

    private static void Overwrite(Tensor t, Tensor values)
    {
        using var _ = new NoGrad();
        t.CopyFrom(values);
    }
}
