using System.Numerics;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels.Recurrent;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>Runs the recurrent ops' plain cell twins instead of the fused ones on this thread (kernel-equivalence tests).</summary>
    [ThreadStatic] internal static bool RecurrentReferenceCells;

    /// <summary>
    /// One LSTM layer in one direction over a padded, time-major batch, as one op with a hand-written backward.
    /// inputProjection: (T,N,4H) = x·W_ihᵀ + b_ih for all steps; weightHH (4H,H); biasHH (4H) or null; h0, c0 (N,H).
    /// Row n steps only while t &lt; lengths[n] (all T when null): outputs past a row's length are zero and its final
    /// state is the one at its last real step; <paramref name="reverse"/> runs each row from its last real step back to 0.
    /// Returns the output (T,N,H) and the final h and c (N,H). Gate order i, f, g, o as torch.nn.LSTM.
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor C) LstmSequence(Tensor inputProjection, Tensor weightHH, Tensor? biasHH,
        Tensor h0, Tensor c0, int[]? lengths = null, bool reverse = false)
    {
        var (steps, batch, hidden, lens) = CheckRecurrent("LstmSequence", 4, inputProjection, weightHH, biasHH, h0, lengths);
        if (c0.Shape != h0.Shape || c0.DType != h0.DType)
            throw new ArgumentException($"LstmSequence: c0 must match h0 {h0.DType} {h0.Shape}, got {c0.DType} {c0.Shape}.");
        Tensor packed;
        Func<Tensor, Tensor?[]> backward;
        if (inputProjection.DType == DType.Float32)
            (packed, backward) = LstmOp<float>(inputProjection, weightHH, biasHH, h0, c0, steps, batch, hidden, lens, reverse);
        else
            (packed, backward) = LstmOp<double>(inputProjection, weightHH, biasHH, h0, c0, steps, batch, hidden, lens, reverse);
        Tensor[] inputs = biasHH is null ? [inputProjection, weightHH, h0, c0] : [inputProjection, weightHH, biasHH, h0, c0];
        Tape.Record(packed, "lstm", inputs, backward);
        int o = steps * batch * hidden, s = batch * hidden;
        return (packed.Slice(0, 0, o).Reshape(steps, batch, hidden),
            packed.Slice(0, o, o + s).Reshape(batch, hidden),
            packed.Slice(0, o + s, o + 2 * s).Reshape(batch, hidden));
    }

    /// <summary>
    /// One GRU layer in one direction over a padded, time-major batch, as one op with a hand-written backward:
    /// inputProjection (T,N,3H), weightHH (3H,H), biasHH (3H) or null, h0 (N,H); lengths and reverse as
    /// <see cref="LstmSequence"/>. Returns the output (T,N,H) and the final h (N,H). Gate order r, z, n as torch.nn.GRU.
    /// </summary>
    public static (Tensor Output, Tensor H) GruSequence(Tensor inputProjection, Tensor weightHH, Tensor? biasHH,
        Tensor h0, int[]? lengths = null, bool reverse = false)
    {
        var (steps, batch, hidden, lens) = CheckRecurrent("GruSequence", 3, inputProjection, weightHH, biasHH, h0, lengths);
        Tensor packed;
        Func<Tensor, Tensor?[]> backward;
        if (inputProjection.DType == DType.Float32)
            (packed, backward) = GruOp<float>(inputProjection, weightHH, biasHH, h0, steps, batch, hidden, lens, reverse);
        else
            (packed, backward) = GruOp<double>(inputProjection, weightHH, biasHH, h0, steps, batch, hidden, lens, reverse);
        Tensor[] inputs = biasHH is null ? [inputProjection, weightHH, h0] : [inputProjection, weightHH, biasHH, h0];
        Tape.Record(packed, "gru", inputs, backward);
        int o = steps * batch * hidden;
        return (packed.Slice(0, 0, o).Reshape(steps, batch, hidden), packed.Slice(0, o, o + batch * hidden).Reshape(batch, hidden));
    }

    private static (int Steps, int Batch, int Hidden, int[] Lengths) CheckRecurrent(string op, int gates, Tensor xp, Tensor whh, Tensor? bhh, Tensor h0, int[]? lengths)
    {
        if (xp.Rank != 3 || xp.Shape[2] % gates != 0)
            throw new ArgumentException($"{op} expected the input projection (T,N,{gates}·H), got {xp.Shape}.");
        int steps = xp.Shape[0], batch = xp.Shape[1], hidden = xp.Shape[2] / gates;
        if (xp.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"{op} runs in Float32 or Float64, got {xp.DType}; convert with To(DType.Float32).");
        if (whh.Shape != new Shape(gates * hidden, hidden) || whh.DType != xp.DType)
            throw new ArgumentException($"{op} expected weight_hh {xp.DType} ({gates * hidden}, {hidden}) for input projection {xp.Shape}, got {whh.DType} {whh.Shape}.");
        if (bhh is not null && (bhh.Shape != new Shape(gates * hidden) || bhh.DType != xp.DType))
            throw new ArgumentException($"{op} expected bias_hh {xp.DType} ({gates * hidden}), got {bhh.DType} {bhh.Shape}.");
        if (h0.Shape != new Shape(batch, hidden) || h0.DType != xp.DType)
            throw new ArgumentException($"{op} expected an initial state {xp.DType} ({batch}, {hidden}), got {h0.DType} {h0.Shape}.");
        if (lengths is null) return (steps, batch, hidden, Enumerable.Repeat(steps, batch).ToArray());
        if (lengths.Length != batch)
            throw new ArgumentException($"{op} got {lengths.Length} lengths for a batch of {batch}; pass one length per sequence.");
        foreach (var l in lengths)
            if (l < 0 || l > steps)
                throw new ArgumentException($"{op}: length {l} is outside [0, {steps}] for input of {steps} steps.");
        return (steps, batch, hidden, (int[])lengths.Clone());
    }

    private static (Tensor Packed, Func<Tensor, Tensor?[]> Backward) LstmOp<T>(Tensor xp, Tensor whh, Tensor? bhh, Tensor h0, Tensor c0,
        int steps, int batch, int hidden, int[] lengths, bool reverse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var seq = new LstmSequence<T>(steps, batch, hidden, reverse, lengths, DenseArray<T>(xp), DenseArray<T>(whh),
            bhh is null ? null : DenseArray<T>(bhh), DenseArray<T>(h0), DenseArray<T>(c0), RecurrentReferenceCells);
        var packed = new Tensor(new Storage(seq.Forward(), xp.DType), new Shape((steps + 2) * batch * hidden));
        return (packed, g =>
        {
            var gd = g.DenseData();
            var (dXp, dW, dB, dH0, dC0) = seq.Backward(gd.Data<T>(), gd.Offset);
            var gx = WrapArray<T>(dXp, xp.Shape);
            var gw = WrapArray<T>(dW, whh.Shape);
            var gh = WrapArray<T>(dH0, h0.Shape);
            var gc = WrapArray<T>(dC0, c0.Shape);
            return bhh is null ? [gx, gw, gh, gc] : [gx, gw, WrapArray<T>(dB!, bhh.Shape), gh, gc];
        });
    }

    private static (Tensor Packed, Func<Tensor, Tensor?[]> Backward) GruOp<T>(Tensor xp, Tensor whh, Tensor? bhh, Tensor h0,
        int steps, int batch, int hidden, int[] lengths, bool reverse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var seq = new GruSequence<T>(steps, batch, hidden, reverse, lengths, DenseArray<T>(xp), DenseArray<T>(whh),
            bhh is null ? null : DenseArray<T>(bhh), DenseArray<T>(h0), RecurrentReferenceCells);
        var packed = new Tensor(new Storage(seq.Forward(), xp.DType), new Shape((steps + 1) * batch * hidden));
        return (packed, g =>
        {
            var gd = g.DenseData();
            var (dXp, dW, dB, dH0) = seq.Backward(gd.Data<T>(), gd.Offset);
            var gx = WrapArray<T>(dXp, xp.Shape);
            var gw = WrapArray<T>(dW, whh.Shape);
            var gh = WrapArray<T>(dH0, h0.Shape);
            return bhh is null ? [gx, gw, gh] : [gx, gw, WrapArray<T>(dB!, bhh.Shape), gh];
        });
    }

    // The elements of t as an array starting at index 0 (t's own storage when it already is one).
    private static T[] DenseArray<T>(Tensor t) where T : unmanaged
    {
        var d = t.DenseAtZero();
        var a = d.Data<T>();
        return a.Length == d.Numel ? a : a.AsSpan(0, d.Numel).ToArray();
    }

    private static Tensor WrapArray<T>(T[] data, Shape shape) where T : unmanaged => new(new Storage(data, DTypeInfo.Of<T>()), shape);
}
