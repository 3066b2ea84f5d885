using System.Numerics;

namespace Lepton.Engine.Kernels.Recurrent;

/// <summary>
/// One LSTM cell step for one batch row, PyTorch's gate order i, f, g, o:
/// i = σ(·), f = σ(·), g = tanh(·), o = σ(·) of xp + h_prev·W_hhᵀ + b_hh; c = f·c_prev + i·g; h = o·tanh(c).
/// <see cref="Forward{T}"/> and <see cref="Backward{T}"/> are the fused SIMD kernels; the *Reference twins are plain loops
/// that tests hold equal to them.
/// </summary>
internal static class LstmCell
{
    /// <summary>
    /// gates (4H): in, h_prev·W_hhᵀ; out, the activated gates i,f,g,o (kept for backward). xp (4H): the input projection
    /// with b_ih; bhh (4H or empty). Writes c (H) and h (H).
    /// </summary>
    public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> xp, ReadOnlySpan<T> bhh, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hs = c.Length;
        VectorMath.AddTo(xp, gates);
        if (!bhh.IsEmpty) VectorMath.AddTo(bhh, gates);
        GateMath.Sigmoid(gates[..(2 * hs)]);
        GateMath.Tanh(gates.Slice(2 * hs, hs));
        GateMath.Sigmoid(gates.Slice(3 * hs, hs));
        ReadOnlySpan<T> i = gates[..hs], f = gates.Slice(hs, hs), g = gates.Slice(2 * hs, hs), o = gates.Slice(3 * hs, hs);
        int j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            for (; j + w <= hs; j += w)
                (new Vector<T>(f[j..]) * new Vector<T>(cPrev[j..]) + new Vector<T>(i[j..]) * new Vector<T>(g[j..])).CopyTo(c[j..]);
        }
        for (; j < hs; j++) c[j] = f[j] * cPrev[j] + i[j] * g[j];
        c.CopyTo(h);
        GateMath.Tanh(h);
        Multiply(o, h);
    }

    /// <summary>
    /// From the activated gates, c_prev, c and the gradient dh reaching h (output plus next step), with dc the gradient
    /// reaching c: writes the pre-activation gate gradients dGates (4H) and replaces dc by the gradient of c_prev.
    /// scratch (H) is overwritten.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c, ReadOnlySpan<T> dh, Span<T> dc,
        Span<T> dGates, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hs = c.Length;
        c.CopyTo(scratch);
        GateMath.Tanh(scratch); // tanh(c)
        ReadOnlySpan<T> i = gates[..hs], f = gates.Slice(hs, hs), g = gates.Slice(2 * hs, hs), o = gates.Slice(3 * hs, hs);
        Span<T> di = dGates[..hs], df = dGates.Slice(hs, hs), dg = dGates.Slice(2 * hs, hs), dO = dGates.Slice(3 * hs, hs);
        int j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var one = Vector<T>.One;
            for (; j + w <= hs; j += w)
            {
                var tc = new Vector<T>(scratch[j..]);
                var dhv = new Vector<T>(dh[j..]);
                var ov = new Vector<T>(o[j..]);
                var iv = new Vector<T>(i[j..]);
                var fv = new Vector<T>(f[j..]);
                var gv = new Vector<T>(g[j..]);
                var dct = new Vector<T>(dc[j..]) + dhv * ov * (one - tc * tc);
                (dct * gv * iv * (one - iv)).CopyTo(di[j..]);
                (dct * new Vector<T>(cPrev[j..]) * fv * (one - fv)).CopyTo(df[j..]);
                (dct * iv * (one - gv * gv)).CopyTo(dg[j..]);
                (dhv * tc * ov * (one - ov)).CopyTo(dO[j..]);
                (dct * fv).CopyTo(dc[j..]);
            }
        }
        for (; j < hs; j++) BackwardElement(i[j], f[j], g[j], o[j], cPrev[j], scratch[j], dh[j], ref dc[j], out di[j], out df[j], out dg[j], out dO[j]);
    }

    /// <summary>The plain twin of <see cref="Forward{T}"/>: one element at a time, scalar σ and tanh.</summary>
    public static void ForwardReference<T>(Span<T> gates, ReadOnlySpan<T> xp, ReadOnlySpan<T> bhh, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hs = c.Length;
        for (int k = 0; k < 4 * hs; k++)
        {
            var z = gates[k] + xp[k] + (bhh.IsEmpty ? T.Zero : bhh[k]);
            gates[k] = k >= 2 * hs && k < 3 * hs ? T.Tanh(z) : GateMath.SigmoidScalar(z);
        }
        for (int j = 0; j < hs; j++)
        {
            c[j] = gates[hs + j] * cPrev[j] + gates[j] * gates[2 * hs + j];
            h[j] = gates[3 * hs + j] * T.Tanh(c[j]);
        }
    }

    /// <summary>The plain twin of <see cref="Backward{T}"/>.</summary>
    public static void BackwardReference<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c, ReadOnlySpan<T> dh, Span<T> dc, Span<T> dGates)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hs = c.Length;
        for (int j = 0; j < hs; j++)
            BackwardElement(gates[j], gates[hs + j], gates[2 * hs + j], gates[3 * hs + j], cPrev[j], T.Tanh(c[j]), dh[j], ref dc[j],
                out dGates[j], out dGates[hs + j], out dGates[2 * hs + j], out dGates[3 * hs + j]);
    }

    // dct = dc + dh·o·(1 − tanh²c); the gates' derivatives through σ' = σ(1 − σ) and tanh' = 1 − tanh².
    private static void BackwardElement<T>(T i, T f, T g, T o, T cPrev, T tc, T dh, ref T dc, out T di, out T df, out T dg, out T dO)
        where T : IFloatingPointIeee754<T>
    {
        var dct = dc + dh * o * (T.One - tc * tc);
        di = dct * g * i * (T.One - i);
        df = dct * cPrev * f * (T.One - f);
        dg = dct * i * (T.One - g * g);
        dO = dh * tc * o * (T.One - o);
        dc = dct * f;
    }

    // y[j] *= x[j]
    internal static void Multiply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            for (; j + w <= y.Length; j += w) (new Vector<T>(x[j..]) * new Vector<T>(y[j..])).CopyTo(y[j..]);
        }
        for (; j < y.Length; j++) y[j] *= x[j];
    }
}
