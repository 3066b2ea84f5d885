using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>
/// The Winograd F(4x4, 3x3) forward (<see cref="ConvWinograd"/> with <see cref="ConvWinograd4Transforms"/>) against the
/// plain reference, fused with ReLU and 2x2 max pooling, batched against one sample at a time, and with prepacked
/// weights against packing per call; and which output sizes take it.
/// </summary>
public class ConvWinograd4Tests
{
    private static bool Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    public static TheoryData<string> Shapes => new(Cases.Keys);

    private static readonly Dictionary<string, ConvGeometry> Cases = new()
    {
        // 6x6 and 7x7: one tile and a 4x4 tile grid cut to 7 (3 of 8 rows and columns dropped).
        ["6x6_c8_o8_b1"] = new(N: 1, C: 8, H: 6, W: 6, O: 8, KH: 3, KW: 3, PH: 1, PW: 1),
        ["7x7_c16_o32_b5"] = new(N: 5, C: 16, H: 7, W: 7, O: 32, KH: 3, KW: 3, PH: 1, PW: 1),
        // The reference CNN's conv2 (16 tiles of 4x4 covering 16x16 for 14x14), one sample and a batch.
        ["cnn_conv2_b1"] = new(N: 1, C: 32, H: 14, W: 14, O: 64, KH: 3, KW: 3, PH: 1, PW: 1),
        ["cnn_conv2_b5"] = new(N: 5, C: 32, H: 14, W: 14, O: 64, KH: 3, KW: 3, PH: 1, PW: 1),
        ["28x28_c8_o16_b1"] = new(N: 1, C: 8, H: 28, W: 28, O: 16, KH: 3, KW: 3, PH: 1, PW: 1),
        // Odd, unequal sides; channel tails on both sides of the 16/32-lane pads.
        ["13x9_c11_o40_b5"] = new(N: 5, C: 11, H: 13, W: 9, O: 40, KH: 3, KW: 3, PH: 1, PW: 1),
        // No padding: 12x12 outputs from 14x14, and 4x11 from 6x13.
        ["pad0_14x14_c64_o64_b1"] = new(N: 1, C: 64, H: 14, W: 14, O: 64, KH: 3, KW: 3),
        ["pad0_6x13_c24_o8_b5"] = new(N: 5, C: 24, H: 6, W: 13, O: 8, KH: 3, KW: 3),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void F4MatchesReference(string name)
    {
        if (!Avx512) return;
        var g = Cases[name];
        var (x, w, b) = Inputs(g);
        var y = ForwardF4(x, w, b, g, packed: null);
        var yRef = new float[y.Length];
        Conv2dReference.Forward<float>(x.AsSpan(3), w.AsSpan(2), b.AsSpan(1), g, yRef);
        AssertClose(yRef, y);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void F4PooledIsReluMaxPoolOfItsOutput(string name)
    {
        var g = Cases[name];
        if (!Avx512 || g.OH % 2 != 0 || g.OW % 2 != 0) return;
        var (x, w, b) = Inputs(g);
        var y = ForwardF4(x, w, b, g, packed: null);
        var pooled = PooledF4(x, w, b, g, packed: null);
        Assert.Equal(ReluPool(y, g), pooled);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void F4BatchEqualsEachSampleAloneBitwise(string name)
    {
        var g = Cases[name];
        if (!Avx512 || g.N == 1) return;
        var (x, w, b) = Inputs(g);
        var y = ForwardF4(x, w, b, g, packed: null);
        var one = g with { N = 1 };
        int xSize = g.C * g.H * g.W, ySize = g.O * g.OH * g.OW;
        for (int n = 0; n < g.N; n++)
        {
            var xn = new float[3 + xSize];
            Array.Copy(x, 3 + n * xSize, xn, 3, xSize);
            Assert.Equal(y.AsSpan(n * ySize, ySize).ToArray(), ForwardF4(xn, w, b, one, packed: null));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void F4PreparedWeightsGiveTheSameBits(string name)
    {
        var g = Cases[name];
        if (!Avx512) return;
        var (x, w, b) = Inputs(g);
        float[] packed;
        ConvWinograd.TileOverride = 4;
        try { packed = Conv2dKernels.PackWeights(w, 2, g)!; }
        finally { ConvWinograd.TileOverride = 0; }
        Assert.Equal(36 * RoundUp(g.C, 16) * RoundUp(g.O, 32), packed.Length);
        Assert.Equal(ForwardF4(x, w, b, g, packed: null), ForwardF4(x, w, b, g, packed));
        if (g.OH % 2 == 0 && g.OW % 2 == 0)
            Assert.Equal(PooledF4(x, w, b, g, packed: null), PooledF4(x, w, b, g, packed));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void F4Avx2KernelsGiveTheBitsOfTheAvx512Ones(string name)
    {
        // The 256-bit path a CPU without AVX-512 takes: against the reference, and bit for bit against the 512-bit one.
        if (!(Avx2.IsSupported && Fma.IsSupported)) return;
        var g = Cases[name];
        var (x, w, b) = Inputs(g);
        bool pooled = g.OH % 2 == 0 && g.OW % 2 == 0;
        float[] y, p = [];
        ConvWinograd.ForceAvx2 = true;
        try
        {
            y = ForwardF4(x, w, b, g, packed: null);
            if (pooled) p = PooledF4(x, w, b, g, packed: null);
        }
        finally { ConvWinograd.ForceAvx2 = false; }
        var yRef = new float[y.Length];
        Conv2dReference.Forward<float>(x.AsSpan(3), w.AsSpan(2), b.AsSpan(1), g, yRef);
        AssertClose(yRef, y);
        if (pooled) Assert.Equal(ReluPool(y, g), p);
        if (!Avx512) return;
        Assert.Equal(ForwardF4(x, w, b, g, packed: null), y);
        if (pooled) Assert.Equal(PooledF4(x, w, b, g, packed: null), p);
    }

    // A read-only weight keeps one packed form per tile: on 14x14 (F(4x4)), 6x6 (F(2x2)) and 14x14 again it gives the bits
    // of a writable copy packed per call, fused with pooling or not.
    [Fact]
    public void ReadOnlyWeightPacksForTheTileEachSizeTakes()
    {
        var rng = new Generator(37);
        var w = Tensor.Randn(new Shape(64, 32, 3, 3), rng);
        var b = Tensor.Randn(new Shape(64), rng);
        var frozen = Tensor.FromArray(w.ToArray(), 64, 32, 3, 3);
        frozen.Storage.MakeReadOnly();
        foreach (int size in new[] { 14, 6, 14 })
        {
            var x = Tensor.Randn(new Shape(2, 32, size, size), rng);
            Assert.Equal(x.Conv2d(w, b, padH: 1, padW: 1).ToArray(), x.Conv2d(frozen, b, padH: 1, padW: 1).ToArray());
            Assert.Equal(x.Conv2dReluMaxPool2d(w, b, padH: 1, padW: 1).ToArray(),
                x.Conv2dReluMaxPool2d(frozen, b, padH: 1, padW: 1).ToArray());
        }
    }

    [Fact]
    public void F4TakesOutputsWhereItNeedsFewerProducts()
    {
        // Winograd runs with AVX-512, or on AVX2 with FMA (its 256-bit kernels); elsewhere no tile.
        bool vectorized = Avx512 || (Avx2.IsSupported && Fma.IsSupported);
        int f4 = vectorized ? 4 : 0, f2 = vectorized ? 2 : 0;
        // 14x14: 16 x 36 = 576 products against 49 x 16 = 784; 28x28: 1764 against 3136; any batch.
        Assert.Equal(f4, ConvWinograd.ForwardTile(Conv2(64, 14)));
        Assert.Equal(f4, ConvWinograd.ForwardTile(Conv2(1, 14)));
        Assert.Equal(f4, ConvWinograd.ForwardTile(Conv2(64, 28)));
        // 6x6: 4 x 36 = 144, a tie with 9 x 16: F(2x2) keeps it (smaller error, smaller transforms). 2x2: 36 against 16.
        Assert.Equal(f2, ConvWinograd.ForwardTile(Conv2(64, 6)));
        Assert.Equal(f2, ConvWinograd.ForwardTile(Conv2(64, 2)));
        Assert.Equal(0, ConvWinograd.ForwardTile(new ConvGeometry(N: 64, C: 1, H: 14, W: 14, O: 64, KH: 3, KW: 3, PH: 1, PW: 1)));
    }

    // The reference CNN's conv2 on n samples of size x size (a record's `with` would keep the old output size).
    private static ConvGeometry Conv2(int n, int size) =>
        new(N: n, C: 32, H: size, W: size, O: 64, KH: 3, KW: 3, PH: 1, PW: 1);

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    // The forward on F(4x4) whatever the size picks, through the path a served model's layer takes.
    private static float[] ForwardF4(float[] x, float[] w, float[] b, ConvGeometry g, float[]? packed)
    {
        var y = new float[g.N * g.O * g.OH * g.OW];
        ConvWinograd.TileOverride = 4;
        try
        {
            Assert.Equal(4, ConvWinograd.ForwardTile(g));
            Conv2dKernels.Forward(x, 3, w, 2, b, 1, g, y, packed);
        }
        finally { ConvWinograd.TileOverride = 0; }
        return y;
    }

    private static float[] PooledF4(float[] x, float[] w, float[] b, ConvGeometry g, float[]? packed)
    {
        var pooled = new float[g.N * g.O * (g.OH / 2) * (g.OW / 2)];
        ConvWinograd.TileOverride = 4;
        try { ConvStride1.ForwardReluMaxPool(x, 3, w, 2, b, 1, g, pooled, packed); }
        finally { ConvWinograd.TileOverride = 0; }
        return pooled;
    }

    // Plain ReLU then 2x2 max pooling of y (N,O,OH,OW) → (N,O,OH/2,OW/2).
    internal static float[] ReluPool(float[] y, ConvGeometry g)
    {
        int ph = g.OH / 2, pw = g.OW / 2;
        var p = new float[g.N * g.O * ph * pw];
        for (int plane = 0; plane < g.N * g.O; plane++)
        for (int i = 0; i < ph; i++)
        for (int j = 0; j < pw; j++)
        {
            int s = plane * g.OH * g.OW + 2 * i * g.OW + 2 * j;
            float m = Math.Max(Math.Max(y[s], y[s + 1]), Math.Max(y[s + g.OW], y[s + g.OW + 1]));
            p[(plane * ph + i) * pw + j] = Math.Max(m, 0f);
        }
        return p;
    }

    private static (float[] X, float[] W, float[] B) Inputs(ConvGeometry g)
    {
        var rng = new Generator(31);
        // Offsets into larger arrays check that the kernels honour them.
        return (Random(rng, 3 + g.N * g.C * g.H * g.W), Random(rng, 2 + g.O * g.Cg * 9), Random(rng, 1 + g.O));
    }

    private static float[] Random(Generator rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.NextGaussian();
        return a;
    }

    // F(4x4)'s transforms scale terms by up to 8 before they cancel: fp32 error ~1e-5 of the output's scale, against the
    // reference's exact-order sums; 1e-4 of the largest value.
    private static void AssertClose(float[] expected, float[] actual)
    {
        double scale = 1;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            if (Math.Abs(expected[i] - actual[i]) > 1e-4 * scale)
                Assert.Fail($"forward: element {i} expected {expected[i]:G9}, got {actual[i]:G9}.");
    }
}
