using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lepton.Training.Optimizers;

/// <summary>
/// The Adam update shared by <see cref="Adam"/> and <see cref="AdamW"/>. It does torch's single-tensor
/// steps in the parameter's own precision and in the same order (scalars computed in double, then
/// rounded once). The SIMD paths (512-bit where the CPU has it) compute exactly the scalar
/// <see cref="UpdateReference{T}"/>'s operations lane by lane, so both give the same bits.
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

    // The per-step scalars, computed in double and rounded once to the parameter's type.
    private readonly struct Coefficients<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly T B1, Omb1, B2, Omb2, NegStep, Bc2, Eps, L2, Shrink;
        public readonly bool Decoupled, UseL2;

        public Coefficients(long step, double lr, double beta1, double beta2, double eps, double l2WeightDecay, double decoupledWeightDecay)
        {
            double bc1 = 1 - Math.Pow(beta1, step);
            double bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
            B1 = T.CreateTruncating(beta1);
            Omb1 = T.CreateTruncating(1 - beta1);
            B2 = T.CreateTruncating(beta2);
            Omb2 = T.CreateTruncating(1 - beta2);
            NegStep = T.CreateTruncating(-(lr / bc1));
            Bc2 = T.CreateTruncating(bc2Sqrt);
            Eps = T.CreateTruncating(eps);
            L2 = T.CreateTruncating(l2WeightDecay);
            Shrink = T.CreateTruncating(1 - lr * decoupledWeightDecay);
            Decoupled = decoupledWeightDecay != 0;
            UseL2 = l2WeightDecay != 0;
        }
    }

    public static void Update<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, long step,
        double lr, double beta1, double beta2, double eps, double l2WeightDecay, double decoupledWeightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = new Coefficients<T>(step, lr, beta1, beta2, eps, l2WeightDecay, decoupledWeightDecay);
        int done = Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported ? UpdateVector512(param, grad, m, v, c)
            : Vector.IsHardwareAccelerated && Vector<T>.IsSupported ? UpdateVector(param, grad, m, v, c)
            : 0;
        Scalar(param[done..], grad[done..], m[done..], v[done..], c);
    }

    /// <summary>The plain per-element loop, the reference the SIMD paths are tested against.</summary>
    public static void UpdateReference<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, long step,
        double lr, double beta1, double beta2, double eps, double l2WeightDecay, double decoupledWeightDecay)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Scalar(param, grad, m, v, new Coefficients<T>(step, lr, beta1, beta2, eps, l2WeightDecay, decoupledWeightDecay));

    private static void Scalar<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < param.Length; i++)
        {
            T p = param[i];
            if (c.Decoupled) p *= c.Shrink;
            T g = grad[i];
            if (c.UseL2) g += c.L2 * p;
            T mi = m[i] * c.B1 + c.Omb1 * g;
            T vi = v[i] * c.B2 + c.Omb2 * g * g;
            m[i] = mi;
            v[i] = vi;
            param[i] = p + c.NegStep * mi / (T.Sqrt(vi) / c.Bc2 + c.Eps);
        }
    }

    // Whole 512-bit vectors of the same arithmetic as Scalar (no fused multiply-adds: each product is rounded, as
    // there); returns how many elements it did. The loop is bound by the square root and the two divisions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int UpdateVector512<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T rp = ref MemoryMarshal.GetReference(param);
        ref T rg = ref MemoryMarshal.GetReference(grad);
        ref T rm = ref MemoryMarshal.GetReference(m);
        ref T rv = ref MemoryMarshal.GetReference(v);
        var b1 = Vector512.Create(c.B1);
        var omb1 = Vector512.Create(c.Omb1);
        var b2 = Vector512.Create(c.B2);
        var omb2 = Vector512.Create(c.Omb2);
        var negStep = Vector512.Create(c.NegStep);
        var bc2 = Vector512.Create(c.Bc2);
        var eps = Vector512.Create(c.Eps);
        var l2 = Vector512.Create(c.L2);
        var shrink = Vector512.Create(c.Shrink);
        bool decoupled = c.Decoupled, useL2 = c.UseL2;
        int w = Vector512<T>.Count, n = param.Length - param.Length % w;
        for (int i = 0; i < n; i += w)
        {
            nuint at = (nuint)i;
            var p = Vector512.LoadUnsafe(ref rp, at);
            if (decoupled) p *= shrink;
            var g = Vector512.LoadUnsafe(ref rg, at);
            if (useL2) g += l2 * p;
            var mi = Vector512.LoadUnsafe(ref rm, at) * b1 + omb1 * g;
            var vi = Vector512.LoadUnsafe(ref rv, at) * b2 + omb2 * g * g;
            mi.StoreUnsafe(ref rm, at);
            vi.StoreUnsafe(ref rv, at);
            (p + negStep * mi / (Vector512.Sqrt(vi) / bc2 + eps)).StoreUnsafe(ref rp, at);
        }
        return n;
    }

    // The same with Vector<T> (256-bit on AVX2 machines).
    private static int UpdateVector<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vp = MemoryMarshal.Cast<T, Vector<T>>(param);
        var vg = MemoryMarshal.Cast<T, Vector<T>>(grad);
        var vm = MemoryMarshal.Cast<T, Vector<T>>(m);
        var vv = MemoryMarshal.Cast<T, Vector<T>>(v);
        Vector<T> b1 = new(c.B1), omb1 = new(c.Omb1), b2 = new(c.B2), omb2 = new(c.Omb2);
        Vector<T> negStep = new(c.NegStep), bc2 = new(c.Bc2), eps = new(c.Eps), l2 = new(c.L2), shrink = new(c.Shrink);
        for (int k = 0; k < vp.Length; k++)
        {
            var p = vp[k];
            if (c.Decoupled) p *= shrink;
            var g = vg[k];
            if (c.UseL2) g += l2 * p;
            var mi = vm[k] * b1 + omb1 * g;
            var vi = vv[k] * b2 + omb2 * g * g;
            vm[k] = mi;
            vv[k] = vi;
            vp[k] = p + negStep * mi / (Vector.SquareRoot(vi) / bc2 + eps);
        }
        return vp.Length * Vector<T>.Count;
    }
}
