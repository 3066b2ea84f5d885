using Lepton.Engine.Kernels.Recurrent;

namespace Lepton.Engine.Tests;

/// <summary>
/// The fused recurrent kernels against their twins: each cell against its plain loop, and the whole LstmSequence and
/// GruSequence ops (forward and hand-written backward, with lengths and in reverse) against the same recurrence written
/// with ordinary differentiable ops.
/// </summary>
public class RecurrentKernelTests
{
    // 13: a vector body and a scalar tail for any vector width.
    private const int H = 13;

    [Fact]
    public void LstmCell_FusedAndPlain_Agree()
    {
        var rng = new Random(1);
        var gatesFast = Random(rng, 4 * H, 2);
        var gatesRef = (float[])gatesFast.Clone();
        var xp = Random(rng, 4 * H, 2);
        var bhh = Random(rng, 4 * H, 1);
        var cPrev = Random(rng, H, 1);
        float[] c1 = new float[H], h1 = new float[H], c2 = new float[H], h2 = new float[H];
        LstmCell.Forward<float>(gatesFast, xp, bhh, cPrev, c1, h1);
        LstmCell.ForwardReference<float>(gatesRef, xp, bhh, cPrev, c2, h2);
        AssertClose(gatesRef, gatesFast, 1e-6);
        AssertClose(c2, c1, 1e-6);
        AssertClose(h2, h1, 1e-6);

        var dh = Random(rng, H, 1);
        var dcFast = Random(rng, H, 1);
        var dcRef = (float[])dcFast.Clone();
        float[] dgFast = new float[4 * H], dgRef = new float[4 * H];
        LstmCell.Backward<float>(gatesRef, cPrev, c2, dh, dcFast, dgFast, new float[H]);
        LstmCell.BackwardReference<float>(gatesRef, cPrev, c2, dh, dcRef, dgRef);
        AssertClose(dgRef, dgFast, 1e-6);
        AssertClose(dcRef, dcFast, 1e-6);
    }

    [Fact]
    public void GruCell_FusedAndPlain_Agree()
    {
        var rng = new Random(2);
        var savedFast = Random(rng, 4 * H, 2);
        var savedRef = (float[])savedFast.Clone();
        var xp = Random(rng, 3 * H, 2);
        var bhh = Random(rng, 3 * H, 1);
        var hPrev = Random(rng, H, 1);
        float[] h1 = new float[H], h2 = new float[H];
        GruCell.Forward<float>(savedFast, xp, bhh, hPrev, h1);
        GruCell.ForwardReference<float>(savedRef, xp, bhh, hPrev, h2);
        AssertClose(savedRef, savedFast, 1e-6);
        AssertClose(h2, h1, 1e-6);

        var dh = Random(rng, H, 1);
        float[] dx1 = new float[3 * H], dg1 = new float[3 * H], dd1 = new float[H], dx2 = new float[3 * H], dg2 = new float[3 * H], dd2 = new float[H];
        GruCell.Backward<float>(savedRef, hPrev, dh, dx1, dg1, dd1);
        GruCell.BackwardReference<float>(savedRef, hPrev, dh, dx2, dg2, dd2);
        AssertClose(dx2, dx1, 1e-6);
        AssertClose(dg2, dg1, 1e-6);
        AssertClose(dd2, dd1, 1e-6);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void LstmSequence_FusedOp_MatchesCompositeOpsWithGradients(bool reverse, bool withLengths)
    {
        int steps = 6, n = 4, hidden = 5;
        int[]? lengths = withLengths ? [6, 1, 4, 0] : null;
        var g = new Generator(3);
        var xp = Tensor.Randn(new Shape(steps, n, 4 * hidden), g, dtype: DType.Float64).RequireGrad();
        var whh = Tensor.Randn(new Shape(4 * hidden, hidden), g, std: 0.5, dtype: DType.Float64).RequireGrad();
        var bhh = Tensor.Randn(new Shape(4 * hidden), g, dtype: DType.Float64).RequireGrad();
        var h0 = Tensor.Randn(new Shape(n, hidden), g, dtype: DType.Float64).RequireGrad();
        var c0 = Tensor.Randn(new Shape(n, hidden), g, dtype: DType.Float64).RequireGrad();
        var up = Tensor.Randn(new Shape(steps, n, hidden), g, dtype: DType.Float64);
        var upH = Tensor.Randn(new Shape(n, hidden), g, dtype: DType.Float64);
        var upC = Tensor.Randn(new Shape(n, hidden), g, dtype: DType.Float64);
        Tensor[] leaves = [xp, whh, bhh, h0, c0];

        var (o1, hN1, cN1) = Tensor.LstmSequence(xp, whh, bhh, h0, c0, lengths, reverse);
        var g1 = o1.Mul(up).Sum().Add(hN1.Mul(upH).Sum()).Add(cN1.Mul(upC).Sum()).Backward();
        var (o2, hN2, cN2) = LstmComposite(xp, whh, bhh, h0, c0, lengths ?? [.. Enumerable.Repeat(steps, n)], reverse);
        var g2 = o2.Mul(up).Sum().Add(hN2.Mul(upH).Sum()).Add(cN2.Mul(upC).Sum()).Backward();

        AssertClose(o2.ToDoubleArray(), o1.ToDoubleArray(), 1e-12);
        AssertClose(hN2.ToDoubleArray(), hN1.ToDoubleArray(), 1e-12);
        AssertClose(cN2.ToDoubleArray(), cN1.ToDoubleArray(), 1e-12);
        foreach (var leaf in leaves) AssertClose(g2.Get(leaf).ToDoubleArray(), g1.Get(leaf).ToDoubleArray(), 1e-10);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void GruSequence_FusedOp_MatchesCompositeOpsWithGradients(bool reverse, bool withLengths)
    {
        int steps = 5, n = 3, hidden = 6;
        int[]? lengths = withLengths ? [2, 5, 3] : null;
        var g = new Generator(4);
        var xp = Tensor.Randn(new Shape(steps, n, 3 * hidden), g, dtype: DType.Float64).RequireGrad();
        var whh = Tensor.Randn(new Shape(3 * hidden, hidden), g, std: 0.5, dtype: DType.Float64).RequireGrad();
        var bhh = Tensor.Randn(new Shape(3 * hidden), g, dtype: DType.Float64).RequireGrad();
        var h0 = Tensor.Randn(new Shape(n, hidden), g, dtype: DType.Float64).RequireGrad();
        var up = Tensor.Randn(new Shape(steps, n, hidden), g, dtype: DType.Float64);
        var upH = Tensor.Randn(new Shape(n, hidden), g, dtype: DType.Float64);
        Tensor[] leaves = [xp, whh, bhh, h0];

        var (o1, hN1) = Tensor.GruSequence(xp, whh, bhh, h0, lengths, reverse);
        var g1 = o1.Mul(up).Sum().Add(hN1.Mul(upH).Sum()).Backward();
        var (o2, hN2) = GruComposite(xp, whh, bhh, h0, lengths ?? [.. Enumerable.Repeat(steps, n)], reverse);
        var g2 = o2.Mul(up).Sum().Add(hN2.Mul(upH).Sum()).Backward();

        AssertClose(o2.ToDoubleArray(), o1.ToDoubleArray(), 1e-12);
        AssertClose(hN2.ToDoubleArray(), hN1.ToDoubleArray(), 1e-12);
        foreach (var leaf in leaves) AssertClose(g2.Get(leaf).ToDoubleArray(), g1.Get(leaf).ToDoubleArray(), 1e-10);
    }

    [Fact]
    public void LstmSequence_FloatFusedCells_MatchPlainCells()
    {
        int steps = 7, n = 5, hidden = 19;
        var g = new Generator(5);
        var xp = Tensor.Randn(new Shape(steps, n, 4 * hidden), g);
        var whh = Tensor.Randn(new Shape(4 * hidden, hidden), g, std: 0.3);
        var h0 = Tensor.Zeros(n, hidden);
        int[] lengths = [7, 3, 0, 5, 6];
        var fast = Tensor.LstmSequence(xp, whh, null, h0, h0, lengths, reverse: true).Output.ToArray();
        Tensor.RecurrentReferenceCells = true;
        try
        {
            var plain = Tensor.LstmSequence(xp, whh, null, h0, h0, lengths, reverse: true).Output.ToArray();
            AssertClose(plain.Select(v => (double)v).ToArray(), fast.Select(v => (double)v).ToArray(), 1e-5);
        }
        finally
        {
            Tensor.RecurrentReferenceCells = false;
        }
    }

    [Fact]
    public void LstmSequence_LengthOutOfRange_NamesTheLength()
    {
        var xp = Tensor.Zeros(3, 2, 8);
        var e = Assert.Throws<ArgumentException>(() => Tensor.LstmSequence(xp, Tensor.Zeros(8, 2), null, Tensor.Zeros(2, 2), Tensor.Zeros(2, 2), [3, 4]));
        Assert.Contains("length 4 is outside [0, 3]", e.Message);
    }

    // The LSTM recurrence with ordinary ops: a row past its length keeps its state and outputs zero.
    private static (Tensor Out, Tensor H, Tensor C) LstmComposite(Tensor xp, Tensor whh, Tensor bhh, Tensor h, Tensor c, int[] lengths, bool reverse)
    {
        int steps = xp.Shape[0], n = xp.Shape[1], hs = whh.Shape[1];
        var outs = new Tensor[steps];
        for (int k = 0; k < steps; k++)
        {
            int t = reverse ? steps - 1 - k : k;
            var gates = xp.Select(0, t).Add(h.Matmul(whh.T)).Add(bhh);
            var i = gates.Slice(1, 0, hs).Sigmoid();
            var f = gates.Slice(1, hs, 2 * hs).Sigmoid();
            var gg = gates.Slice(1, 2 * hs, 3 * hs).Tanh();
            var o = gates.Slice(1, 3 * hs, 4 * hs).Sigmoid();
            var cNew = f.Mul(c).Add(i.Mul(gg));
            var hNew = o.Mul(cNew.Tanh());
            var active = Active(lengths, t, n);
            h = hNew.Mul(active).Add(h.Mul(active.Neg().Add(1)));
            c = cNew.Mul(active).Add(c.Mul(active.Neg().Add(1)));
            outs[t] = hNew.Mul(active);
        }
        return (Tensor.Stack(outs, 0), h, c);
    }

    private static (Tensor Out, Tensor H) GruComposite(Tensor xp, Tensor whh, Tensor bhh, Tensor h, int[] lengths, bool reverse)
    {
        int steps = xp.Shape[0], n = xp.Shape[1], hs = whh.Shape[1];
        var outs = new Tensor[steps];
        for (int k = 0; k < steps; k++)
        {
            int t = reverse ? steps - 1 - k : k;
            var x = xp.Select(0, t);
            var gh = h.Matmul(whh.T).Add(bhh);
            var r = x.Slice(1, 0, hs).Add(gh.Slice(1, 0, hs)).Sigmoid();
            var z = x.Slice(1, hs, 2 * hs).Add(gh.Slice(1, hs, 2 * hs)).Sigmoid();
            var nn = x.Slice(1, 2 * hs, 3 * hs).Add(r.Mul(gh.Slice(1, 2 * hs, 3 * hs))).Tanh();
            var hNew = z.Neg().Add(1).Mul(nn).Add(z.Mul(h));
            var active = Active(lengths, t, n);
            h = hNew.Mul(active).Add(h.Mul(active.Neg().Add(1)));
            outs[t] = hNew.Mul(active);
        }
        return (Tensor.Stack(outs, 0), h);
    }

    // (N,1): 1 where row n steps at time t.
    private static Tensor Active(int[] lengths, int t, int n) =>
        Tensor.FromArray(Enumerable.Range(0, n).Select(r => t < lengths[r] ? 1.0 : 0.0).ToArray(), n, 1);

    private static float[] Random(Random rng, int count, double scale) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale))];

    private static void AssertClose(float[] expected, float[] actual, double tol) =>
        AssertClose(expected.Select(v => (double)v).ToArray(), actual.Select(v => (double)v).ToArray(), tol);

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
