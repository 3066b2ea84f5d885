using System.Numerics;

namespace Lepton.Engine.Kernels.Recurrent;

/// <summary>
/// One GRU cell step for one batch row, PyTorch's gate order r, z, n:
/// r = σ(xp_r + gh_r), z = σ(xp_z + gh_z), n = tanh(xp_n + r·gh_n), h = (1 − z)·n + z·h_prev, where gh = h_prev·W_hhᵀ + b_hh
/// (b_hn stays inside r·(…), as in PyTorch). A row of saved state is 4H wide: r, z, n and gh_n.
/// <see cref="Forward{T}"/> and <see cref="Backward{T}"/> are the fused kernels; the *Reference twins are plain loops.
/// </summary>
internal static class GruCell
{
    /// <summary>
    /// saved (4H): in, h_prev·W_hhᵀ in its first 3H; out, r, z, n, gh_n. xp (3H): input projection with b_ih; bhh (3H or
    /// empty). Writes h (H).
    /// </summary>
    public static void Forward<T>(Span<T> saved, ReadOnlySpan<T> xp, ReadOnlySpan<T> bhh, ReadOnlySpan<T> hPrev, Span<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hs = h.Length;
        Span<T> rz = saved[..(2 * hs)], n = saved.Slice(2 * hs, hs), ghn = saved.Slice(3 * hs, hs);
        if (!bhh.IsEmpty) VectorMath.AddTo(bhh, saved[..(3 * hs)]);
        n.CopyTo(ghn);
        VectorMath.AddTo(xp[..(2 * hs)], rz);
        GateMath.Sigmoid(rz);
        // n = tanh(xp_n + r·gh_n)
        ReadOnlySpan<T> r = saved[..hs], z = saved.Slice(hs, hs), xn = xp.Slice(2 * hs, hs);
        int j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            for (; j + w <= hs; j += w) (new Vector<T>(xn[j..]) + new Vector<T>(r[j..]) * new Vector<T>(ghn[j..])).CopyTo(n[j..]);
        }
        for (; j < hs; j++) n[j] = xn[j] + r[j] * ghn[j];
        GateMath.Tanh(n);
        // h = n + z·(h_prev − n)
        j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            for (; j + w <= hs; j += w)
            {
                var nv = new Vector<T>(n[j..]);
                (nv + new Vector<T>(z[j..]) * (new Vector<T>(hPrev[j..]) - nv)).CopyTo(h[j..]);
            }
        }
        for (; j < hs; j++) h[j] = n[j] + z[j] * (hPrev[j] - n[j]);
    }

    /// <summary>
    /// From the saved row, h_prev and dh (the gradient reaching h): writes dXp (3H, the input projection's gradient),
    /// dGh (3H, the gradient of h_prev·W_hhᵀ + b_hh) and dhDirect (H, the gradient of h_prev through z·h_prev only).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> saved, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dh, Span<T> dXp, Span<T> dGh, Span<T> dhDirect)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hs = dh.Length;
        int j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var one = Vector<T>.One;
            for (; j + w <= hs; j += w)
            {
                var r = new Vector<T>(saved[j..]);
                var z = new Vector<T>(saved[(hs + j)..]);
                var n = new Vector<T>(saved[(2 * hs + j)..]);
                var ghn = new Vector<T>(saved[(3 * hs + j)..]);
                var d = new Vector<T>(dh[j..]);
                var dnp = d * (one - z) * (one - n * n);
                var drp = dnp * ghn * r * (one - r);
                var dzp = d * (new Vector<T>(hPrev[j..]) - n) * z * (one - z);
                drp.CopyTo(dXp[j..]);
                dzp.CopyTo(dXp[(hs + j)..]);
                dnp.CopyTo(dXp[(2 * hs + j)..]);
                drp.CopyTo(dGh[j..]);
                dzp.CopyTo(dGh[(hs + j)..]);
                (dnp * r).CopyTo(dGh[(2 * hs + j)..]);
                (d * z).CopyTo(dhDirect[j..]);
            }
        }
        for (; j < hs; j++) BackwardElement(saved, hPrev, dh, dXp, dGh, dhDirect, hs, j);
    }

    /// <summary>The plain twin of <see cref="Forward{T}"/>.</summary>
    public static void ForwardReference<T>(Span<T> saved, ReadOnlySpan<T> xp, ReadOnlySpan<T> bhh, ReadOnlySpan<T> hPrev, Span<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hs = h.Length;
        for (int j = 0; j < hs; j++)
        {
            T br = T.Zero, bz = T.Zero, bn = T.Zero;
            if (!bhh.IsEmpty) (br, bz, bn) = (bhh[j], bhh[hs + j], bhh[2 * hs + j]);
            var ghn = saved[2 * hs + j] + bn;
            var r = GateMath.SigmoidScalar(saved[j] + br + xp[j]);
            var z = GateMath.SigmoidScalar(saved[hs + j] + bz + xp[hs + j]);
            var n = T.Tanh(xp[2 * hs + j] + r * ghn);
            saved[j] = r;
            saved[hs + j] = z;
            saved[2 * hs + j] = n;
            saved[3 * hs + j] = ghn;
            h[j] = n + z * (hPrev[j] - n);
        }
    }

    /// <summary>The plain twin of <see cref="Backward{T}"/>.</summary>
    public static void BackwardReference<T>(ReadOnlySpan<T> saved, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dh, Span<T> dXp, Span<T> dGh, Span<T> dhDirect)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < dh.Length; j++) BackwardElement(saved, hPrev, dh, dXp, dGh, dhDirect, dh.Length, j);
    }

    private static void BackwardElement<T>(ReadOnlySpan<T> saved, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dh, Span<T> dXp, Span<T> dGh, Span<T> dhDirect, int hs, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T r = saved[j], z = saved[hs + j], n = saved[2 * hs + j], ghn = saved[3 * hs + j], d = dh[j];
        var dnp = d * (T.One - z) * (T.One - n * n);
        var drp = dnp * ghn * r * (T.One - r);
        var dzp = d * (hPrev[j] - n) * z * (T.One - z);
        dXp[j] = drp;
        dXp[hs + j] = dzp;
        dXp[2 * hs + j] = dnp;
        dGh[j] = drp;
        dGh[hs + j] = dzp;
        dGh[2 * hs + j] = dnp * r;
        dhDirect[j] = d * z;
    }
}
