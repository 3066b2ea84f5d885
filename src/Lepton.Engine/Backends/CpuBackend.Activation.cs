using System.Numerics;
using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Backends;

internal sealed partial class CpuBackend
{
    // Below this, a second thread costs more in hand-off than the loop (as the elementwise kernels decide).
    private const int ParallelMinElements = 1 << 18;

    public void ActivationForward(Activation f, double slope, Tensor x, Tensor y)
    {
        RequireAtZero(x, "ActivationForward");
        RequireAtZero(y, "ActivationForward");
        Run(f, slope, backward: false, x.Data<float>(), y.Data<float>(), null, null, y.Numel);
    }

    public void ActivationBackward(Activation f, double slope, Tensor x, Tensor y, Tensor gy, Tensor gx)
    {
        RequireAtZero(x, "ActivationBackward");
        RequireAtZero(y, "ActivationBackward");
        RequireAtZero(gy, "ActivationBackward");
        RequireAtZero(gx, "ActivationBackward");
        Run(f, slope, backward: true, x.Data<float>(), y.Data<float>(), gy.Data<float>(), gx.Data<float>(), gx.Numel);
    }

    private static void Run(Activation f, double slope, bool backward, float[] x, float[] y, float[]? gy, float[]? gx, int n)
    {
        var job = ActivationJob.ForThread;
        (job.F, job.Slope, job.Backward, job.X, job.Y, job.GY, job.GX) = (f, slope, backward, x, y, gy, gx);
        try
        {
            if (n < ParallelMinElements) job.Body(0, n);
            else CpuParallel.For(n, 1, job.Body);
        }
        finally
        {
            (job.X, job.Y, job.GY, job.GX) = (null!, null!, null, null);
        }
    }

    // One per calling thread, with its delegate made once, so a planned step hands the kernel threads no new object.
    private sealed class ActivationJob
    {
        [ThreadStatic] private static ActivationJob? t_job;

        public static ActivationJob ForThread => t_job ??= new ActivationJob();

        public readonly Action<int, int> Body;
        public Activation F;
        public double Slope;
        public bool Backward;
        public float[] X = null!, Y = null!;
        public float[]? GY, GX;

        private ActivationJob() => Body = Range;

        private void Range(int start, int end)
        {
            switch (F)
            {
                case Activation.Relu:
                    if (Backward) ReluBackward(X, GY!, GX!, start, end);
                    else ReluForward(X, Y, start, end);
                    break;
                case Activation.Tanh: Apply(new TanhMath(), start, end); break;
                case Activation.Sigmoid: Apply(new SigmoidMath(), start, end); break;
                case Activation.LeakyRelu: Apply(new LeakyReluMath(Slope), start, end); break;
                case Activation.Gelu: Apply(new GeluMath(), start, end); break;
                default: throw new ArgumentOutOfRangeException(nameof(F), F, "Unknown activation.");
            }
        }

        private void Apply<TMath>(TMath math, int start, int end) where TMath : struct, IActivationMath
        {
            var x = X;
            var y = Y;
            if (!Backward)
            {
                for (int i = start; i < end; i++) y[i] = math.Forward(x[i]);
                return;
            }
            var g = GY!;
            var gx = GX!;
            for (int i = start; i < end; i++) gx[i] = math.Backward(g[i], x[i], y[i]);
        }
    }

    // y = max(x, 0), as ReluOp.
    private static void ReluForward(float[] x, float[] y, int start, int end)
    {
        int i = start, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= end; i += w)
            {
                var v = new Vector<float>(x, i);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, Vector<float>.Zero).CopyTo(y, i);
            }
        for (; i < end; i++) y[i] = x[i] > 0 ? x[i] : 0;
    }

    // gx = gy where x > 0, else 0, as ReluGradOp.
    private static void ReluBackward(float[] x, float[] g, float[] gx, int start, int end)
    {
        int i = start, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= end; i += w)
            {
                var v = new Vector<float>(x, i);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), new Vector<float>(g, i), Vector<float>.Zero).CopyTo(gx, i);
            }
        for (; i < end; i++) gx[i] = x[i] > 0 ? g[i] : 0;
    }

    /// <summary>An activation's value and gradient, element by element with the engine's scalar functions, so they are the recorded ops' bits.</summary>
    private interface IActivationMath
    {
        float Forward(float x);

        /// <summary>The input gradient from the output gradient g, the input x and the output y.</summary>
        float Backward(float g, float x, float y);
    }

    // tanh; backward g·(1 − y²), as Tensor.Tanh's backward.
    private readonly struct TanhMath : IActivationMath
    {
        public float Forward(float x) => new TanhOp().Apply(x);

        public float Backward(float g, float x, float y) => g * (1f - y * y);
    }

    // The logistic function; backward (g·y)·(1 − y), as Tensor.Sigmoid's backward.
    private readonly struct SigmoidMath : IActivationMath
    {
        public float Forward(float x) => new SigmoidOp().Apply(x);

        public float Backward(float g, float x, float y) => g * y * (1f - y);
    }

    // Leaky ReLU with its slope; backward g times 1 or the slope.
    private readonly struct LeakyReluMath(double slope) : IActivationMath
    {
        public float Forward(float x) => new LeakyReluOp(slope).Apply(x);

        public float Backward(float g, float x, float y) => g * new LeakyStepOp(slope).Apply(x);
    }

    // Exact (erf) GELU; backward g·(Φ(x) + x·φ(x)).
    private readonly struct GeluMath : IActivationMath
    {
        public float Forward(float x) => new GeluOp().Apply(x);

        public float Backward(float g, float x, float y) => g * new GeluGradOp().Apply(x);
    }
}
