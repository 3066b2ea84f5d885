using Lepton.Engine.Kernels;

namespace Lepton.NN.Planned;

/// <summary>An elementwise activation's value and gradient, computed as the recorded op and its backward compute them.</summary>
internal interface IActivationMath
{
    float Forward(float x);

    /// <summary>The input gradient from the output gradient g, the input x and the output y.</summary>
    float Backward(float g, float x, float y);
}

/// <summary>
/// An elementwise activation (Tanh, Sigmoid, LeakyReLU, GELU) over fixed buffers, element by element with the engine's
/// scalar functions, so values and gradients are the recorded ops' bits.
/// </summary>
internal sealed class PlannedActivation<TMath>(Module layer, TMath math) : PlannedElementwise(layer) where TMath : struct, IActivationMath
{
    protected override void ForwardRange(int start, int end)
    {
        var x = X.Data<float>();
        var y = Y.Data<float>();
        for (int i = start; i < end; i++) y[i] = math.Forward(x[i]);
    }

    protected override void BackwardRange(int start, int end)
    {
        var x = X.Data<float>();
        var y = Y.Data<float>();
        var g = GY.Data<float>();
        var gx = GX!.Data<float>();
        for (int i = start; i < end; i++) gx[i] = math.Backward(g[i], x[i], y[i]);
    }
}

/// <summary>tanh; backward g·(1 − y²), as Tensor.Tanh's backward (g times one minus the squared output).</summary>
internal readonly struct TanhMath : IActivationMath
{
    public float Forward(float x) => new TanhOp().Apply(x);

    public float Backward(float g, float x, float y) => g * (1f - y * y);
}

/// <summary>The logistic function; backward (g·y)·(1 − y), as Tensor.Sigmoid's backward.</summary>
internal readonly struct SigmoidMath : IActivationMath
{
    public float Forward(float x) => new SigmoidOp().Apply(x);

    public float Backward(float g, float x, float y) => g * y * (1f - y);
}

/// <summary>Leaky ReLU with its slope; backward g times 1 or the slope.</summary>
internal readonly struct LeakyReluMath(double slope) : IActivationMath
{
    public float Forward(float x) => new LeakyReluOp(slope).Apply(x);

    public float Backward(float g, float x, float y) => g * new LeakyStepOp(slope).Apply(x);
}

/// <summary>Exact (erf) GELU; backward g·(Φ(x) + x·φ(x)).</summary>
internal readonly struct GeluMath : IActivationMath
{
    public float Forward(float x) => new GeluOp().Apply(x);

    public float Backward(float g, float x, float y) => g * new GeluGradOp().Apply(x);
}
