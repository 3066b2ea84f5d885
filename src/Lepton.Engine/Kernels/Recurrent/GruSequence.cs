using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels.Recurrent;

/// <summary>
/// One GRU layer in one direction over a padded batch, time-major, with the same contract as <see cref="LstmSequence{T}"/>:
/// xp (T,N,3H) in, per step one GEMM h·W_hhᵀ and the fused cell, rows stepping only while t &lt; lengths[n].
/// </summary>
internal sealed class GruSequence<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _steps, _batch, _hidden;
    private readonly bool _reverse, _reference;
    private readonly int[] _lengths;
    private readonly T[] _xp, _h0;
    private readonly T[]? _bhh;
    private readonly RecurrentWeight<T> _whh;
    // Saved per time index t: r, z, n and gh_n (T,N,4H), and the state before step t (T,N,H).
    private T[] _saved = [], _hPrev = [];

    public GruSequence(int steps, int batch, int hidden, bool reverse, int[] lengths, T[] xp, T[] whh, T[]? bhh, T[] h0, bool reference = false)
    {
        (_steps, _batch, _hidden, _reverse, _lengths, _xp, _bhh, _h0, _reference) = (steps, batch, hidden, reverse, lengths, xp, bhh, h0, reference);
        _whh = new RecurrentWeight<T>(whh, 3 * hidden, hidden);
    }

    /// <summary>Runs the sequence; returns output (T,N,H), then h_T (N,H), in one array.</summary>
    public T[] Forward()
    {
        int s = _steps, n = _batch, h = _hidden;
        _saved = new T[s * n * 4 * h];
        _hPrev = new T[s * n * h];
        var result = new T[(s + 1) * n * h];
        _whh.PrepareForward();
        CpuParallel.For(n, (long)s * 3 * h * h * 2, (r0, r1) => ForwardRows(r0, r1, result));
        return result;
    }

    private void ForwardRows(int r0, int r1, T[] result)
    {
        int s = _steps, n = _batch, h = _hidden, w = 4 * h, g = 3 * h, m = r1 - r0;
        var hCur = new T[m * h];
        Array.Copy(_h0, r0 * h, hCur, 0, m * h);
        ReadOnlySpan<T> bhh = _bhh ?? [];
        for (int k = 0; k < s; k++)
        {
            int t = _reverse ? s - 1 - k : k;
            int rowH = (t * n + r0) * h;
            Array.Copy(hCur, 0, _hPrev, rowH, m * h);
            _whh.Gates(m, _hPrev, rowH, h, _saved, (t * n + r0) * w, w);
            for (int i = 0; i < m; i++)
            {
                int r = r0 + i;
                var outRow = result.AsSpan((t * n + r) * h, h);
                if (t < _lengths[r])
                {
                    var saved = _saved.AsSpan(((t * n) + r) * w, w);
                    var xp = _xp.AsSpan(((t * n) + r) * g, g);
                    var hPrev = _hPrev.AsSpan(rowH + i * h, h);
                    if (_reference) GruCell.ForwardReference(saved, xp, bhh, hPrev, outRow);
                    else GruCell.Forward(saved, xp, bhh, hPrev, outRow);
                    outRow.CopyTo(hCur.AsSpan(i * h, h));
                }
                else outRow.Clear();
            }
        }
        Array.Copy(hCur, 0, result, (s * n + r0) * h, m * h);
    }

    /// <summary>From the gradient of Forward's result: the gradients of xp (T,N,3H), W_hh (3H,H), b_hh (3H or null) and h0 (N,H).</summary>
    public (T[] Xp, T[] Whh, T[]? Bhh, T[] H0) Backward(T[] gResult, int gOffset)
    {
        int s = _steps, n = _batch, h = _hidden, g = 3 * h;
        var dXp = new T[s * n * g];
        var dGh = new T[s * n * g];
        var dh0 = new T[n * h];
        _whh.PrepareBackward();
        CpuParallel.For(n, (long)s * g * h * 2, (r0, r1) => BackwardRows(r0, r1, gResult, gOffset, dXp, dGh, dh0));
        var dW = new T[g * h];
        RecurrentWeight<T>.Product(true, false, g, h, s * n, dGh, 0, g, _hPrev, h, dW, 0, h);
        T[]? dB = null;
        if (_bhh is not null)
        {
            dB = new T[g];
            VectorMath.SumColumns<T>(dGh, s * n, g, dB);
        }
        return (dXp, dW, dB, dh0);
    }

    private void BackwardRows(int r0, int r1, T[] gr, int go, T[] dXp, T[] dGh, T[] dh0)
    {
        int s = _steps, n = _batch, h = _hidden, w = 4 * h, g = 3 * h, m = r1 - r0;
        var dh = new T[m * h];
        var dhDirect = new T[m * h];
        var dhStep = new T[m * h];
        var dhTotal = new T[h];
        Array.Copy(gr, go + (s * n + r0) * h, dh, 0, m * h);
        for (int k = s - 1; k >= 0; k--)
        {
            int t = _reverse ? s - 1 - k : k;
            int rowH = (t * n + r0) * h, rowG = (t * n + r0) * g;
            for (int i = 0; i < m; i++)
            {
                int r = r0 + i;
                var dx = dXp.AsSpan(rowG + i * g, g);
                var dgh = dGh.AsSpan(rowG + i * g, g);
                if (t >= _lengths[r])
                {
                    dx.Clear();
                    dgh.Clear();
                    continue;
                }
                dh.AsSpan(i * h, h).CopyTo(dhTotal);
                VectorMath.AddTo<T>(gr.AsSpan(go + rowH + i * h, h), dhTotal);
                var saved = _saved.AsSpan((t * n + r) * w, w);
                var hPrev = _hPrev.AsSpan(rowH + i * h, h);
                var direct = dhDirect.AsSpan(i * h, h);
                if (_reference) GruCell.BackwardReference<T>(saved, hPrev, dhTotal, dx, dgh, direct);
                else GruCell.Backward<T>(saved, hPrev, dhTotal, dx, dgh, direct);
            }
            _whh.HiddenGradient(m, dGh, rowG, g, dhStep, 0, h);
            for (int i = 0; i < m; i++)
            {
                if (t >= _lengths[r0 + i]) continue;
                var d = dh.AsSpan(i * h, h);
                dhStep.AsSpan(i * h, h).CopyTo(d);
                VectorMath.AddTo<T>(dhDirect.AsSpan(i * h, h), d);
            }
        }
        Array.Copy(dh, 0, dh0, r0 * h, m * h);
    }
}
