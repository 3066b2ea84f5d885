using System.Numerics;
using System.Runtime.InteropServices;

namespace Lepton.Training.Optimizers;

/// <summary>
/// The Adam update shared by <see cref="Adam"/> and <see cref="AdamW"/>. It does torch's single-tensor
/// steps in the parameter's own precision and in the same order (scalars computed in double, then
/// rounded once), SIMD-wide with a scalar tail.
/// </summary>
internal static class AdamMath
{
    public static void Validate(string op, double beta1, double beta2, double eps, double weightDecay)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), $"{op}: Beta1 must be in [0, 1), got {beta1}.");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), $"{op}: Beta2 must be in [0, 1), got {beta2}.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"{op}: Eps must be >= 0, got {eps}.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"{op}: WeightDecay must be >= 0, got {weightDecay}.");
    }

    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, long step,
        double lr, double beta1, double beta2, double eps, double l2WeightDecay, double decoupledWeightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double bc1 = 1 - Math.Pow(beta1, step);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
        T b1 = T.CreateTruncating(beta1), omb1 = T.CreateTruncating(1 - beta1);
        T b2 = T.CreateTruncating(beta2), omb2 = T.CreateTruncating(1 - beta2);
        T negStep = T.CreateTruncating(-(lr / bc1)), bc2 = T.CreateTruncating(bc2Sqrt), epsT = T.CreateTruncating(eps);
        T l2 = T.CreateTruncating(l2WeightDecay), shrink = T.CreateTruncating(1 - lr * decoupledWeightDecay);
        bool decoupled = decoupledWeightDecay != 0, useL2 = l2WeightDecay != 0;

        int i = 0;
        if (Vector.IsHardwareAccelerated && param.Length >= Vector<T>.Count)
        {
            var vp = MemoryMarshal.Cast<T, Vector<T>>(param);
            var vg = MemoryMarshal.Cast<T, Vector<T>>(grad);
            var vm = MemoryMarshal.Cast<T, Vector<T>>(m);
            var vv = MemoryMarshal.Cast<T, Vector<T>>(v);
            Vector<T> vb1 = new(b1), vomb1 = new(omb1), vb2 = new(b2), vomb2 = new(omb2);
            Vector<T> vneg = new(negStep), vbc2 = new(bc2), veps = new(epsT), vl2 = new(l2), vshrink = new(shrink);
            for (int k = 0; k < vp.Length; k++)
            {
                var p = vp[k];
                if (decoupled) p *= vshrink;
                var g = vg[k];
                if (useL2) g += vl2 * p;
                var mk = vm[k] * vb1 + vomb1 * g;
                var vk = vv[k] * vb2 + vomb2 * g * g;
                vm[k] = mk;
                vv[k] = vk;
                vp[k] = p + vneg * mk / (Vector.SquareRoot(vk) / vbc2 + veps);
            }
            i = vp.Length * Vector<T>.Count;
        }
        for (; i < param.Length; i++)
        {
            T p = param[i];
            if (decoupled) p *= shrink;
            T g = grad[i];
            if (useL2) g += l2 * p;
            T mi = m[i] * b1 + omb1 * g;
            T vi = v[i] * b2 + omb2 * g * g;
            m[i] = mi;
            v[i] = vi;
            param[i] = p + negStep * mi / (T.Sqrt(vi) / bc2 + epsT);
        }
    }
}
