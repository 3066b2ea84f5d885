using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels.Recurrent;

/// <summary>
/// One LSTM layer in one direction over a padded batch, time-major: the input projection xp (T,N,4H) (x·W_ihᵀ + b_ih for
/// every step, one GEMM made by the caller) in, then per step one GEMM h·W_hhᵀ over the rows and the fused cell. Row n
/// steps only while t &lt; lengths[n] (PyTorch's packed sequences): its output is zero past its length, its state is
/// carried unchanged, so the final state is the one at its last real step and the reverse direction starts there.
/// Rows are independent, so blocks of rows run on separate cores for the whole sequence. <see cref="Forward"/> keeps
/// what <see cref="Backward"/> needs.
/// </summary>
internal sealed class LstmSequence<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _steps, _batch, _hidden;
    private readonly bool _reverse, _reference;
    private readonly int[] _lengths;
    private readonly T[] _xp, _h0, _c0;
    private readonly T[]? _bhh;
    private readonly RecurrentWeight<T> _whh;
    // Saved per time index t (T,N,·): the activated gates, and the state before and the cell after step t.
    private T[] _gates = [], _hPrev = [], _cPrev = [], _cNext = [];

    /// <param name="reference">Run the plain twins of the fused cells (tests).</param>
    public LstmSequence(int steps, int batch, int hidden, bool reverse, int[] lengths, T[] xp, T[] whh, T[]? bhh, T[] h0, T[] c0, bool reference = false)
    {
        (_steps, _batch, _hidden, _reverse, _lengths, _xp, _bhh, _h0, _c0, _reference) = (steps, batch, hidden, reverse, lengths, xp, bhh, h0, c0, reference);
        _whh = new RecurrentWeight<T>(whh, 4 * hidden, hidden);
    }

    /// <summary>Runs the sequence; returns output (T,N,H), then h_T (N,H), then c_T (N,H), in one array.</summary>
    public T[] Forward()
    {
        int s = _steps, n = _batch, h = _hidden, g = 4 * h;
        _gates = new T[s * n * g];
        _hPrev = new T[s * n * h];
        _cPrev = new T[s * n * h];
        _cNext = new T[s * n * h];
        var result = new T[(s + 2) * n * h];
        _whh.PrepareForward();
        CpuParallel.For(n, (long)s * g * h * 2, (r0, r1) => ForwardRows(r0, r1, result));
        return result;
    }

    private void ForwardRows(int r0, int r1, T[] result)
    {
        int s = _steps, n = _batch, h = _hidden, g = 4 * h, m = r1 - r0;
        var hCur = new T[m * h];
        var cCur = new T[m * h];
        Array.Copy(_h0, r0 * h, hCur, 0, m * h);
        Array.Copy(_c0, r0 * h, cCur, 0, m * h);
        ReadOnlySpan<T> bhh = _bhh ?? [];
        for (int k = 0; k < s; k++)
        {
            int t = _reverse ? s - 1 - k : k;
            int rowH = (t * n + r0) * h, rowG = (t * n + r0) * g;
            Array.Copy(hCur, 0, _hPrev, rowH, m * h);
            Array.Copy(cCur, 0, _cPrev, rowH, m * h);
            _whh.Gates(m, _hPrev, rowH, h, _gates, rowG, g);
            for (int i = 0; i < m; i++)
            {
                int r = r0 + i;
                var outRow = result.AsSpan((t * n + r) * h, h);
                var cNext = _cNext.AsSpan(rowH + i * h, h);
                if (t < _lengths[r])
                {
                    var gates = _gates.AsSpan(rowG + i * g, g);
                    var xp = _xp.AsSpan(rowG + i * g, g);
                    var cPrev = _cPrev.AsSpan(rowH + i * h, h);
                    if (_reference) LstmCell.ForwardReference(gates, xp, bhh, cPrev, cNext, outRow);
                    else LstmCell.Forward(gates, xp, bhh, cPrev, cNext, outRow);
                    outRow.CopyTo(hCur.AsSpan(i * h, h));
                    cNext.CopyTo(cCur.AsSpan(i * h, h));
                }
                else
                {
                    outRow.Clear();
                    cCur.AsSpan(i * h, h).CopyTo(cNext);
                }
            }
        }
        Array.Copy(hCur, 0, result, (s * n + r0) * h, m * h);
        Array.Copy(cCur, 0, result, ((s + 1) * n + r0) * h, m * h);
    }

    /// <summary>
    /// From the gradient of Forward's result (same layout): the gradients of xp (T,N,4H), W_hh (4H,H), b_hh (4H; null
    /// when there is none), h0 and c0 (N,H).
    /// </summary>
    public (T[] Xp, T[] Whh, T[]? Bhh, T[] H0, T[] C0) Backward(T[] gResult, int gOffset)
    {
        int s = _steps, n = _batch, h = _hidden, g = 4 * h;
        var dGates = new T[s * n * g];
        var dh0 = new T[n * h];
        var dc0 = new T[n * h];
        _whh.PrepareBackward();
        CpuParallel.For(n, (long)s * g * h * 2, (r0, r1) => BackwardRows(r0, r1, gResult, gOffset, dGates, dh0, dc0));
        // dW_hh = Σ_t dGates_tᵀ·h_prev,t as one GEMM over all steps and rows; db_hh its column sums.
        var dW = new T[g * h];
        RecurrentWeight<T>.Product(true, false, g, h, s * n, dGates, 0, g, _hPrev, h, dW, 0, h);
        T[]? dB = null;
        if (_bhh is not null)
        {
            dB = new T[g];
            VectorMath.SumColumns<T>(dGates, s * n, g, dB);
        }
        return (dGates, dW, dB, dh0, dc0);
    }

    private void BackwardRows(int r0, int r1, T[] gr, int go, T[] dGates, T[] dh0, T[] dc0)
    {
        int s = _steps, n = _batch, h = _hidden, g = 4 * h, m = r1 - r0;
        var dh = new T[m * h];
        var dc = new T[m * h];
        var dhStep = new T[m * h];
        var dhTotal = new T[h];
        var scratch = new T[h];
        Array.Copy(gr, go + (s * n + r0) * h, dh, 0, m * h);
        Array.Copy(gr, go + ((s + 1) * n + r0) * h, dc, 0, m * h);
        for (int k = s - 1; k >= 0; k--)
        {
            int t = _reverse ? s - 1 - k : k;
            int rowH = (t * n + r0) * h, rowG = (t * n + r0) * g;
            for (int i = 0; i < m; i++)
            {
                int r = r0 + i;
                var dG = dGates.AsSpan(rowG + i * g, g);
                if (t >= _lengths[r])
                {
                    dG.Clear();
                    continue;
                }
                var dhRow = dh.AsSpan(i * h, h);
                dhRow.CopyTo(dhTotal);
                VectorMath.AddTo<T>(gr.AsSpan(go + rowH + i * h, h), dhTotal);
                var gates = _gates.AsSpan(rowG + i * g, g);
                var cPrev = _cPrev.AsSpan(rowH + i * h, h);
                var cNext = _cNext.AsSpan(rowH + i * h, h);
                var dcRow = dc.AsSpan(i * h, h);
                if (_reference) LstmCell.BackwardReference<T>(gates, cPrev, cNext, dhTotal, dcRow, dG);
                else LstmCell.Backward<T>(gates, cPrev, cNext, dhTotal, dcRow, dG, scratch);
            }
            _whh.HiddenGradient(m, dGates, rowG, g, dhStep, 0, h);
            // h_prev reaches the loss only through the gates of an active step; an idle step carries dh unchanged.
            for (int i = 0; i < m; i++)
                if (t < _lengths[r0 + i]) dhStep.AsSpan(i * h, h).CopyTo(dh.AsSpan(i * h, h));
        }
        Array.Copy(dh, 0, dh0, r0 * h, m * h);
        Array.Copy(dc, 0, dc0, r0 * h, m * h);
    }
}
