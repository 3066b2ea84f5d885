using System.Numerics;
using System.Runtime.InteropServices;

namespace Lepton.Engine.Kernels.Recurrent;

/// <summary>
/// The gate nonlinearities of the recurrent cells, in place over a span: SIMD for float (Vector.Exp), scalar for other
/// float types. tanh(x) is computed as 2σ(2x) − 1, so both share one exponential.
/// </summary>
internal static class GateMath
{
    public static void Sigmoid<T>(Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            SigmoidFloat(MemoryMarshal.Cast<T, float>(x));
            return;
        }
        for (int i = 0; i < x.Length; i++) x[i] = SigmoidScalar(x[i]);
    }

    public static void Tanh<T>(Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            TanhFloat(MemoryMarshal.Cast<T, float>(x));
            return;
        }
        for (int i = 0; i < x.Length; i++) x[i] = T.Tanh(x[i]);
    }

    /// <summary>σ(x) without overflow for large |x| (the reference form the cells' twins use).</summary>
    public static T SigmoidScalar<T>(T x) where T : IFloatingPointIeee754<T>
    {
        if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
        var e = T.Exp(x);
        return e / (T.One + e);
    }

    private static void SigmoidFloat(Span<float> x)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count;
            var one = Vector<float>.One;
            // exp(-x) overflows to +inf for x < -88, and 1/(1+inf) = 0 is the right limit.
            for (; i + w <= x.Length; i += w)
                (one / (one + Vector.Exp(-new Vector<float>(x[i..])))).CopyTo(x[i..]);
        }
        for (; i < x.Length; i++) x[i] = SigmoidScalar(x[i]);
    }

    private static void TanhFloat(Span<float> x)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count;
            var one = Vector<float>.One;
            var two = new Vector<float>(2f);
            for (; i + w <= x.Length; i += w)
                (two / (one + Vector.Exp(-two * new Vector<float>(x[i..]))) - one).CopyTo(x[i..]);
        }
        for (; i < x.Length; i++) x[i] = MathF.Tanh(x[i]);
    }
}
