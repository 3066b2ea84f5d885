using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>
/// The Winograd F(2x2, 3x3) path (<see cref="ConvWinograd"/>), its F(4x4, 3x3) forward, and the direct stride-1 path they
/// replace on 3x3 layers, each against the plain reference on awkward shapes.
/// </summary>
public class ConvWinogradTests
{
    private static bool Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    // Winograd runs with AVX-512, or without it on AVX2 with FMA (its 256-bit kernels).
    private static bool Vectorized => Avx512 || (Avx2.IsSupported && Fma.IsSupported);

    public static TheoryData<string> Shapes => new(Cases.Keys);

    private static readonly Dictionary<string, ConvGeometry> Cases = new()
    {
        // Odd output sizes (a half tile at the bottom and right), channel tails on both sides of the 16/32-lane pads.
        ["odd_9x13_c5_o11"] = new(N: 3, C: 5, H: 9, W: 13, O: 11, KH: 3, KW: 3, PH: 1, PW: 1),
        ["one_channel_in"] = new(N: 1, C: 1, H: 7, W: 6, O: 5, KH: 3, KW: 3, PH: 1, PW: 1),
        ["one_channel_out"] = new(N: 2, C: 17, H: 6, W: 5, O: 1, KH: 3, KW: 3, PH: 1, PW: 1),
        // No padding: 5x7 outputs from 7x9, and the input gradient padded by 2.
        ["pad0"] = new(N: 3, C: 9, H: 7, W: 9, O: 33, KH: 3, KW: 3),
        ["pad2"] = new(N: 1, C: 8, H: 5, W: 6, O: 8, KH: 3, KW: 3, PH: 2, PW: 2),
        ["pad_h_only"] = new(N: 2, C: 6, H: 6, W: 11, O: 7, KH: 3, KW: 3, PH: 1, PW: 0),
        ["pad_w_2_h_0"] = new(N: 2, C: 6, H: 8, W: 3, O: 7, KH: 3, KW: 3, PH: 0, PW: 2),
        // Tiles of a block run across samples: 16 samples in 8 chunks of 2, 98 tiles per chunk.
        ["batch16_14x14"] = new(N: 16, C: 16, H: 14, W: 14, O: 32, KH: 3, KW: 3, PH: 1, PW: 1),
        ["cnn_conv2_batch3"] = new(N: 3, C: 32, H: 14, W: 14, O: 64, KH: 3, KW: 3, PH: 1, PW: 1),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void WinogradMatchesReference(string name) => CheckWinograd(name, tile: 2);

    // The same shapes with the forward on F(4x4) (the gradients stay F(2x2)).
    [Theory]
    [MemberData(nameof(Shapes))]
    public void WinogradF4ForwardMatchesReference(string name) => CheckWinograd(name, tile: 4);

    private static void CheckWinograd(string name, int tile)
    {
        ConvWinograd.AnySize = true;
        ConvWinograd.TileOverride = tile;
        try
        {
            Assert.Equal(Vectorized, ConvWinograd.AppliesForward(Cases[name]));
            Check(Cases[name], forwardTolerance: tile == 4 ? 1e-4 : 2e-5);
        }
        finally
        {
            ConvWinograd.AnySize = false;
            ConvWinograd.TileOverride = 0;
        }
    }

    // The 256-bit kernels a CPU without AVX-512 takes (forward on both tiles, input and weight gradients): against the
    // reference, and bit for bit against the 512-bit kernels where the CPU has both.
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Avx2KernelsGiveTheBitsOfTheAvx512Ones(string name)
    {
        if (!(Avx2.IsSupported && Fma.IsSupported)) return;
        foreach (int tile in new[] { 2, 4 })
        {
            var narrow = Passes(Cases[name], tile, avx2: true);
            Check(Cases[name], narrow, tile == 4 ? 1e-4 : 2e-5);
            if (!Avx512) continue;
            var wide = Passes(Cases[name], tile, avx2: false);
            Assert.Equal(wide.Y, narrow.Y);
            Assert.Equal(wide.Gx, narrow.Gx);
            Assert.Equal(wide.Gw, narrow.Gw);
        }
    }

    // The forward and the three gradients of g through Conv2dKernels, with Winograd on any size and the given tile.
    private static Results Passes(ConvGeometry g, int tile, bool avx2)
    {
        ConvWinograd.AnySize = true;
        ConvWinograd.TileOverride = tile;
        ConvWinograd.ForceAvx2 = avx2;
        try
        {
            Assert.True(ConvWinograd.AppliesForward(g));
            return Run(g);
        }
        finally
        {
            ConvWinograd.AnySize = false;
            ConvWinograd.TileOverride = 0;
            ConvWinograd.ForceAvx2 = false;
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DirectStride1PathMatchesReference(string name)
    {
        ConvWinograd.Disabled = true;
        try { Check(Cases[name]); }
        finally { ConvWinograd.Disabled = false; }
    }

    [Fact]
    public void WinogradTakesDeep3x3LayersOnly()
    {
        var conv2 = new ConvGeometry(N: 64, C: 32, H: 14, W: 14, O: 64, KH: 3, KW: 3, PH: 1, PW: 1);
        Assert.Equal(Vectorized, ConvWinograd.AppliesForward(conv2));
        Assert.Equal(Vectorized, ConvWinograd.AppliesForward(conv2 with { N = 1 }));
        Assert.False(ConvWinograd.AppliesForward(conv2 with { C = 1 }));
        Assert.False(ConvWinograd.AppliesForward(conv2 with { SH = 2, SW = 2 }));
        Assert.False(ConvWinograd.AppliesForward(conv2 with { DH = 2, PH = 2 }));
        Assert.False(ConvWinograd.AppliesForward(conv2 with { Groups = 2 }));
        Assert.False(ConvWinograd.AppliesForward(conv2 with { KH = 5, KW = 5, PH = 2, PW = 2 }));
    }

    // Inputs (seeded; offsets into larger arrays check that the kernels honour them), and what the kernels made of them.
    private sealed record Results(float[] X, float[] W, float[] B, float[] Gy, float[] Y, float[] Gx, float[] Gw, float[] Gb);

    private static Results Run(ConvGeometry g)
    {
        var rng = new Generator(23);
        var x = Random(rng, 3 + g.N * g.C * g.H * g.W);
        var w = Random(rng, 2 + g.O * g.Cg * g.KH * g.KW);
        var b = Random(rng, 1 + g.O);
        int ySize = g.N * g.O * g.OH * g.OW;
        var y = new float[ySize];
        Conv2dKernels.Forward(x, 3, w, 2, b, 1, g, y);
        var gy = Random(rng, ySize);
        var gx = new float[g.N * g.C * g.H * g.W];
        var gw = new float[g.O * g.Cg * 9];
        var gb = new float[g.O];
        Conv2dKernels.Backward(x, 3, w, 2, gy, g, gx, gw, gb);
        return new Results(x, w, b, gy, y, gx, gw, gb);
    }

    private static void Check(ConvGeometry g, double forwardTolerance = 2e-5) => Check(g, Run(g), forwardTolerance);

    private static void Check(ConvGeometry g, Results r, double forwardTolerance)
    {
        var yRef = new float[r.Y.Length];
        Conv2dReference.Forward<float>(r.X.AsSpan(3), r.W.AsSpan(2), r.B.AsSpan(1), g, yRef);
        AssertClose(yRef, r.Y, "forward", forwardTolerance);
        var gxRef = new float[r.Gx.Length];
        var gwRef = new float[r.Gw.Length];
        var gbRef = new float[g.O];
        Conv2dReference.BackwardInput<float>(r.Gy, r.W.AsSpan(2), g, gxRef);
        Conv2dReference.BackwardWeight<float>(r.X.AsSpan(3), r.Gy, g, gwRef, gbRef);
        AssertClose(gxRef, r.Gx, "grad input");
        AssertClose(gwRef, r.Gw, "grad weight");
        AssertClose(gbRef, r.Gb, "grad bias");
    }

    private static float[] Random(Generator rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.NextGaussian();
        return a;
    }

    // Float sums in another order (and Winograd's transforms) round differently; the error scales with the largest value.
    // F(4x4)'s forward scales terms by up to 8 in its transforms and takes 1e-4.
    private static void AssertClose(float[] expected, float[] actual, string what, double tolerance = 2e-5)
    {
        double scale = 1;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            if (Math.Abs(expected[i] - actual[i]) > tolerance * scale)
                Assert.Fail($"{what}: element {i} expected {expected[i]:G9}, got {actual[i]:G9}.");
    }
}
