using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>The SIMD paths of the elementwise kernels against their scalar definitions, element by element.</summary>
public sealed class ElementwiseSimdTests
{
    // Lengths around the vector width exercise both the vector loop and the scalar tail.
    public static TheoryData<int> Lengths => new() { 1, 7, 8, 15, 16, 17, 33, 1000, 40_001 };

    private static float[] Data(int n, ulong seed)
    {
        var rng = new Generator(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextGaussian() * 3);
        if (n > 5) { x[1] = 0f; x[3] = -0f; x[5] = float.NaN; }
        return x;
    }

    private static void AssertSame(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].Equals(actual[i]) || (float.IsNaN(expected[i]) && float.IsNaN(actual[i])),
                $"element {i}: scalar {expected[i]}, SIMD {actual[i]}");
    }

    private static float[] ScalarZip<TOp>(float[] a, float[] b, TOp op) where TOp : struct, IBinaryOp =>
        a.Select((v, i) => op.Apply(v, b.Length == 1 ? b[0] : b[i])).ToArray();

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BinaryOpsMatchTheirScalarDefinition(int n)
    {
        var a = Data(n, 1);
        var b = Data(n, 2).Select(v => v == 0 ? 0.5f : v).ToArray();
        var (ta, tb) = (Tensor.FromArray(a, n), Tensor.FromArray(b, n));
        var s = Tensor.FromArray([1.75f], 1);
        AssertSame(ScalarZip(a, b, new AddOp()), Elementwise.Zip(ta, tb, new AddOp(), "add").ToArray());
        AssertSame(ScalarZip(a, b, new SubOp()), Elementwise.Zip(ta, tb, new SubOp(), "sub").ToArray());
        AssertSame(ScalarZip(a, b, new MulOp()), Elementwise.Zip(ta, tb, new MulOp(), "mul").ToArray());
        AssertSame(ScalarZip(a, b, new DivOp()), Elementwise.Zip(ta, tb, new DivOp(), "div").ToArray());
        AssertSame(ScalarZip(a, [1.75f], new MulOp()), Elementwise.Zip(ta, s, new MulOp(), "mul").ToArray());
        AssertSame(ScalarZip(a, b, new ReluGradOp()), Elementwise.Zip(ta, tb, new ReluGradOp(), "relu_backward").ToArray());
        AssertSame(ScalarZip(a, b, new MaximumOp()), Elementwise.Zip(ta, tb, new MaximumOp(), "maximum").ToArray());
        AssertSame(ScalarZip(a, b, new MinimumOp()), Elementwise.Zip(ta, tb, new MinimumOp(), "minimum").ToArray());
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void UnaryOpsMatchTheirScalarDefinition(int n)
    {
        var x = Data(n, 3);
        var t = Tensor.FromArray(x, n);
        AssertSame(x.Select(v => new ReluOp().Apply(v)).ToArray(), Elementwise.Map(t, new ReluOp()).ToArray());
        AssertSame(x.Select(v => new NegOp().Apply(v)).ToArray(), Elementwise.Map(t, new NegOp()).ToArray());
        AssertSame(x.Select(v => new SquareOp().Apply(v)).ToArray(), Elementwise.Map(t, new SquareOp()).ToArray());
    }

    [Fact]
    public void BroadcastRowsUseTheVectorPathCorrectly()
    {
        // (37,19) + (19): inner rows dense on both sides; (37,19) + (37,1): scalar per row.
        var a = Tensor.FromArray(Data(37 * 19, 4), 37, 19);
        var row = Tensor.FromArray(Data(19, 5), 19);
        var col = Tensor.FromArray(Data(37, 6), 37, 1);
        var ad = a.ToArray();
        var (rd, cd) = (row.ToArray(), col.ToArray());
        AssertSame(ad.Select((v, i) => v + rd[i % 19]).ToArray(), a.Add(row).ToArray());
        AssertSame(ad.Select((v, i) => v * cd[i / 19]).ToArray(), a.Mul(col).ToArray());
    }
}
