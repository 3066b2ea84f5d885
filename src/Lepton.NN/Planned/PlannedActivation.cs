using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

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
internal sealed class PlannedActivation<TMath> : PlannedLayer where TMath : struct, IActivationMath
{
    // Below this, a second thread costs more in hand-off than the loop (as the elementwise kernels decide).
    private const int ParallelMinElements = 1 << 18;
    private readonly TMath _math;
    private readonly Action<int, int> _forward, _backward;

    public PlannedActivation(Module layer, TMath math) : base(layer)
    {
        _math = math;
        // Made once: a step then hands the kernel threads no new delegate.
        _forward = ForwardRange;
        _backward = BackwardRange;
    }

    public override void Forward() => Run(_forward);

    public override void Backward() => Run(_backward);

    private void Run(Action<int, int> range)
    {
        int n = Y.Numel;
        if (n < ParallelMinElements) range(0, n);
        else CpuParallel.For(n, 1, range);
    }

    private void ForwardRange(int start, int end)
    {
        var x = X.Data<float>();
        var y = Y.Data<float>();
        for (int i = start; i < end; i++) y[i] = _math.Forward(x[i]);
    }

    private void BackwardRange(int start, int end)
    {
        var x = X.Data<float>();
        var y = Y.Data<float>();
        var g = GY.Data<float>();
        var gx = GX!.Data<float>();
        for (int i = start; i < end; i++) gx[i] = _math.Backward(g[i], x[i], y[i]);
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
