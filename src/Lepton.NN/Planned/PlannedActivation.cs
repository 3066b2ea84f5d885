using Lepton.Engine.Backends;

namespace Lepton.NN.Planned;

/// <summary>Which elementwise activation a planned layer runs, as the kernel backend names it.</summary>
internal interface IActivationMath
{
    Activation Kind { get; }

    /// <summary>LeakyReLU's negative slope; 0 for the others.</summary>
    double Slope { get; }
}

/// <summary>
/// An elementwise activation (Tanh, Sigmoid, LeakyReLU, GELU) over fixed buffers through the kernel backend, which
/// computes it element by element with the engine's scalar functions, so values and gradients are the recorded ops' bits.
/// </summary>
internal sealed class PlannedActivation<TMath>(Module layer, TMath math) : PlannedLayer(layer) where TMath : struct, IActivationMath
{
    public override void Forward() => Backend.Current.ActivationForward(math.Kind, math.Slope, X, Y);

    public override void Backward() => Backend.Current.ActivationBackward(math.Kind, math.Slope, X, Y, GY, GX!);
}

/// <summary>tanh; backward g·(1 − y²), as Tensor.Tanh's backward.</summary>
internal readonly struct TanhMath : IActivationMath
{
    public Activation Kind => Activation.Tanh;

    public double Slope => 0;
}

/// <summary>The logistic function; backward (g·y)·(1 − y), as Tensor.Sigmoid's backward.</summary>
internal readonly struct SigmoidMath : IActivationMath
{
    public Activation Kind => Activation.Sigmoid;

    public double Slope => 0;
}

/// <summary>Leaky ReLU with its slope; backward g times 1 or the slope.</summary>
internal readonly struct LeakyReluMath(double slope) : IActivationMath
{
    public Activation Kind => Activation.LeakyRelu;

    public double Slope => slope;
}

/// <summary>Exact (erf) GELU; backward g·(Φ(x) + x·φ(x)).</summary>
internal readonly struct GeluMath : IActivationMath
{
    public Activation Kind => Activation.Gelu;

    public double Slope => 0;
}
