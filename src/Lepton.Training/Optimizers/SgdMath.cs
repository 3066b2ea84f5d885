using System.Numerics;
using System.Runtime.InteropServices;

namespace Lepton.Training.Optimizers;

/// <summary>
/// The <see cref="Sgd"/> update in the parameter's precision and torch's single-tensor op order:
/// d = g + wd*p; buf = d (first step) or mu*buf + (1-damp)*d; d = nesterov ? d + mu*buf : buf; p -= lr*d.
/// The SIMD path does the same operations lane by lane (no fused multiply-adds), so it gives the reference's bits.
/// </summary>
internal static class SgdMath
{
    /// <summary>The per-step settings, rounded once to the parameter's type.</summary>
    public readonly struct Settings<T>(double lr, double weightDecay, double momentum, double dampening, bool nesterov, bool first)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly T Lr = T.CreateTruncating(lr), Wd = T.CreateTruncating(weightDecay);
        public readonly T Mu = T.CreateTruncating(momentum), Omd = T.CreateTruncating(1 - dampening);
        public readonly bool UseWd = weightDecay != 0, Momentum = momentum != 0, Nesterov = nesterov, First = first;
    }

    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> buf, in Settings<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int done = Vector.IsHardwareAccelerated && Vector<T>.IsSupported ? UpdateVector(param, grad, buf, s) : 0;
        UpdateReference(param[done..], grad[done..], s.Momentum ? buf[done..] : buf, s);
    }

    /// <summary>The plain per-element loop, the reference the SIMD path is tested against.</summary>
    public static void UpdateReference<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> buf, in Settings<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < param.Length; i++)
        {
            T p = param[i];
            T d = s.UseWd ? grad[i] + s.Wd * p : grad[i];
            if (s.Momentum)
            {
                T b = s.First ? d : buf[i] * s.Mu + s.Omd * d;
                buf[i] = b;
                d = s.Nesterov ? d + s.Mu * b : b;
            }
            param[i] = p - s.Lr * d;
        }
    }

    // Whole vectors; returns how many elements it did.
    private static int UpdateVector<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> buf, in Settings<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vp = MemoryMarshal.Cast<T, Vector<T>>(param);
        var vg = MemoryMarshal.Cast<T, Vector<T>>(grad);
        var vb = s.Momentum ? MemoryMarshal.Cast<T, Vector<T>>(buf) : default;
        Vector<T> lr = new(s.Lr), wd = new(s.Wd), mu = new(s.Mu), omd = new(s.Omd);
        for (int k = 0; k < vp.Length; k++)
        {
            var p = vp[k];
            var d = s.UseWd ? vg[k] + wd * p : vg[k];
            if (s.Momentum)
            {
                var b = s.First ? d : vb[k] * mu + omd * d;
                vb[k] = b;
                d = s.Nesterov ? d + mu * b : b;
            }
            vp[k] = p - lr * d;
        }
        return vp.Length * Vector<T>.Count;
    }
}
