using System.Numerics;
using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>Every fast kernel against its plain reference twin, in float and double.</summary>
public class KernelEquivalenceTests
{
    public static TheoryData<string> ConvConfigs => new(ConvCases.Keys);

    private static readonly Dictionary<string, ConvGeometry> ConvCases = new()
    {
        ["basic_3x3"] = new(N: 2, C: 3, H: 7, W: 7, O: 4, KH: 3, KW: 3),
        ["stride2_pad1"] = new(N: 2, C: 3, H: 8, W: 7, O: 5, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1),
        ["dilation2_pad2"] = new(N: 1, C: 2, H: 9, W: 8, O: 3, KH: 3, KW: 3, PH: 2, PW: 2, DH: 2, DW: 2),
        ["groups2"] = new(N: 2, C: 4, H: 6, W: 6, O: 6, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 2),
        ["depthwise_s2"] = new(N: 2, C: 4, H: 7, W: 7, O: 4, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, Groups: 4),
        ["asymmetric"] = new(N: 2, C: 2, H: 6, W: 9, O: 3, KH: 2, KW: 3, SH: 2, SW: 1, PH: 1, PW: 0, DH: 1, DW: 2),
        ["pointwise"] = new(N: 3, C: 5, H: 4, W: 4, O: 2, KH: 1, KW: 1),
        ["5x5_stride3_pad2"] = new(N: 2, C: 2, H: 9, W: 11, O: 3, KH: 5, KW: 5, SH: 3, SW: 3, PH: 2, PW: 2),
        ["pad_beyond_kernel"] = new(N: 1, C: 1, H: 3, W: 3, O: 2, KH: 2, KW: 2, PH: 3, PW: 2),
        ["fmnist_conv1"] = new(N: 2, C: 1, H: 28, W: 28, O: 32, KH: 3, KW: 3, PH: 1, PW: 1),
        ["fmnist_conv2"] = new(N: 1, C: 32, H: 14, W: 14, O: 16, KH: 3, KW: 3, PH: 1, PW: 1),
        // 8 chunks of 2 samples: per-chunk weight-gradient partials summed afterwards.
        ["batch16_chunks"] = new(N: 16, C: 8, H: 10, W: 10, O: 32, KH: 3, KW: 3, PH: 1, PW: 1),
        // Stride-1 tap-offset path (ConvStride1): output-channel tails (11 of 8-row panels and 32-lane tiles),
        // 45 taps (not a multiple of 8), an odd width, one input channel, no padding on one side.
        ["stride1_tails"] = new(N: 3, C: 5, H: 9, W: 13, O: 11, KH: 3, KW: 3, PH: 1, PW: 1),
        ["one_channel_wide_pad_w_only"] = new(N: 2, C: 1, H: 5, W: 37, O: 40, KH: 3, KW: 5, PH: 0, PW: 2),
        ["groups3_dilated_h"] = new(N: 2, C: 6, H: 8, W: 9, O: 9, KH: 3, KW: 2, PH: 1, PW: 1, DH: 2, Groups: 3),
        ["row_kernel_1x3"] = new(N: 2, C: 3, H: 4, W: 6, O: 8, KH: 1, KW: 3, PW: 1),
        // 4104 taps: the forward sweeps the 24 weight rows in blocks of 8 (BlockRows) to keep them in L2.
        ["deep_4104_taps"] = new(N: 1, C: 456, H: 5, W: 5, O: 20, KH: 3, KW: 3, PH: 1, PW: 1),
        // 8 chunks of 2 samples on the weight gradient's dot-product path (18 taps): lane sums carried across a chunk.
        ["batch16_dot_chunks"] = new(N: 16, C: 2, H: 6, W: 7, O: 6, KH: 3, KW: 3, PH: 1, PW: 1),
        ["fmnist_conv2_batch3"] = new(N: 3, C: 32, H: 14, W: 14, O: 64, KH: 3, KW: 3, PH: 1, PW: 1),
        // ConvDepthwise: vector bodies and scalar tails of odd widths, stride 1 and 2, odd and even sides.
        ["depthwise_s1_odd"] = new(N: 3, C: 5, H: 11, W: 21, O: 5, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 5),
        ["depthwise_s2_even"] = new(N: 2, C: 6, H: 16, W: 34, O: 6, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, Groups: 6),
        ["depthwise_s2_odd"] = new(N: 9, C: 3, H: 13, W: 19, O: 3, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, Groups: 3),
        // Rows narrower than a vector (MobileNet's 7x7 blocks): one partial vector per row, reading the padded row's slack.
        ["depthwise_s1_narrow"] = new(N: 2, C: 4, H: 7, W: 7, O: 4, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 4),
        ["depthwise_s2_narrow"] = new(N: 2, C: 4, H: 14, W: 13, O: 4, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, Groups: 4),
        // 1x1 convolutions: stride 1 (the tap path, no column copy) and a stride-2 projection shortcut on odd sides (im2col
        // of a 1x1 is the stride-2 subsample).
        ["pointwise_s1_batch9"] = new(N: 9, C: 7, H: 5, W: 6, O: 10, KH: 1, KW: 1),
        ["pointwise_s2_odd"] = new(N: 3, C: 6, H: 9, W: 7, O: 12, KH: 1, KW: 1, SH: 2, SW: 2),
        // 3x3 stride 2 with padding 1 (ResNet's downsampling convolution).
        ["stride2_resnet_down"] = new(N: 3, C: 8, H: 14, W: 14, O: 16, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1),
    };

    [Theory]
    [MemberData(nameof(ConvConfigs))]
    public void Conv2dFastMatchesReferenceDouble(string name) => CheckConv<double>(ConvCases[name], 1e-10);

    [Theory]
    [MemberData(nameof(ConvConfigs))]
    public void Conv2dFastMatchesReferenceFloat(string name) => CheckConv<float>(ConvCases[name], 2e-5);

    [Theory]
    [MemberData(nameof(ConvConfigs))]
    public void Conv2dIm2ColPathMatchesReferenceFloat(string name)
    {
        // The same float shapes with the stride-1 tap-offset path off: im2col + GEMM + col2im everywhere.
        ConvStride1.Disabled = true;
        try { CheckConv<float>(ConvCases[name], 2e-5); }
        finally { ConvStride1.Disabled = false; }
    }

    [Fact]
    public void Conv2dStride1PathTakesTheCnnShapes()
    {
        // Guards the dispatch: the reference CNN's convolutions run on the stride-1 path where AVX-512 exists, and conv2
        // (deep enough for Winograd) also on AVX2 with FMA, through Winograd's 256-bit kernels.
        bool avx512 = Gemm.IsSupported(GemmKernelKind.Avx512);
        bool avx2 = System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        Assert.Equal(avx512, ConvStride1.Applies(ConvCases["fmnist_conv1"]));
        Assert.Equal(avx512 || avx2, ConvStride1.Applies(ConvCases["fmnist_conv2"]));
        Assert.False(ConvStride1.Applies(ConvCases["stride2_pad1"]));
        Assert.False(ConvStride1.Applies(ConvCases["pad_beyond_kernel"]));
    }

    [Fact]
    public void Conv2dDepthwisePath_TakesDepthwise3x3_AndNoOthers()
    {
        Assert.True(ConvDepthwise.Applies(ConvCases["depthwise_s1_odd"]));
        Assert.True(ConvDepthwise.Applies(ConvCases["depthwise_s2"]));
        Assert.False(ConvDepthwise.Applies(ConvCases["groups2"]));
        Assert.False(ConvDepthwise.Applies(ConvCases["asymmetric"]));
        Assert.False(ConvDepthwise.Applies(ConvCases["pointwise"]));
        Assert.False(ConvDepthwise.Applies(ConvCases["basic_3x3"]));
    }

    [Theory]
    [InlineData("depthwise_s1_odd")]
    [InlineData("depthwise_s2_odd")]
    [InlineData("depthwise_s2_even")]
    public void Conv2dGenericPath_OnDepthwiseShapes_MatchesReference(string name)
    {
        // The same shapes with the direct path off: both sides of the switch agree with the reference.
        ConvDepthwise.Disabled = true;
        try { CheckConv<float>(ConvCases[name], 2e-5); }
        finally { ConvDepthwise.Disabled = false; }
    }

    [Fact]
    public void Conv2dChunkedOverSamplesMatchesReference()
    {
        long saved = Conv2dKernels.MaxColElements;
        try
        {
            // A tiny im2col budget forces one sample per chunk, then a few samples per chunk.
            Conv2dKernels.MaxColElements = 1;
            CheckConv<double>(new ConvGeometry(N: 3, C: 2, H: 5, W: 5, O: 3, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 1), 1e-10);
            Conv2dKernels.MaxColElements = 2 * 18 * 25;
            CheckConv<double>(new ConvGeometry(N: 5, C: 2, H: 5, W: 5, O: 4, KH: 3, KW: 3, PH: 1, PW: 1, Groups: 2), 1e-10);
        }
        finally
        {
            Conv2dKernels.MaxColElements = saved;
        }
    }

    [Theory]
    [InlineData("stride1_tails")]
    [InlineData("fmnist_conv1")]
    [InlineData("stride2_pad1")]
    public void Conv2dGradientSubsetsEqualTheFullBackward(string name)
    {
        // The bias gradient rides on the weight gradient's pass when both are wanted; alone it takes its own.
        var g = ConvCases[name];
        var rng = new Generator(5);
        var x = Random<float>(rng, g.N * g.C * g.H * g.W);
        var w = Random<float>(rng, g.O * g.Cg * g.KH * g.KW);
        var gy = Random<float>(rng, g.N * g.O * g.OH * g.OW);
        float[] Gx() => new float[x.Length];
        float[] Gw() => new float[w.Length];
        float[] Gb() => new float[g.O];
        var (gxAll, gwAll, gbAll) = (Gx(), Gw(), Gb());
        Conv2dKernels.Backward(x, 0, w, 0, gy, g, gxAll, gwAll, gbAll);
        var (gx1, gb1) = (Gx(), Gb());
        Conv2dKernels.Backward(x, 0, w, 0, gy, g, gx1, null, gb1);
        var gw2 = Gw();
        Conv2dKernels.Backward(x, 0, w, 0, gy, g, null, gw2, null);
        var gb3 = Gb();
        Conv2dKernels.Backward<float>(x, 0, w, 0, gy, g, null, null, gb3);
        Assert.Equal(gxAll, gx1);
        Assert.Equal(gwAll, gw2);
        AssertClose(gbAll, gb1, 1e-5, "bias alone with gx");
        AssertClose(gbAll, gb3, 1e-5, "bias alone");
    }

    private static void CheckConv<T>(ConvGeometry g, double tol) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Generator(17);
        // Offsets into larger arrays check that the fast kernels honour them.
        var x = Random<T>(rng, 3 + g.N * g.C * g.H * g.W);
        var w = Random<T>(rng, 2 + g.O * g.Cg * g.KH * g.KW);
        var b = Random<T>(rng, 1 + g.O);
        int ySize = g.N * g.O * g.OH * g.OW;

        var yFast = new T[ySize];
        Conv2dKernels.Forward(x, 3, w, 2, b, 1, g, yFast);
        var yRef = new T[ySize];
        Conv2dReference.Forward<T>(x.AsSpan(3), w.AsSpan(2), b.AsSpan(1), g, yRef);
        AssertClose(yRef, yFast, tol, "forward");

        var gy = Random<T>(rng, ySize);
        var gxFast = new T[g.N * g.C * g.H * g.W];
        var gwFast = new T[g.O * g.Cg * g.KH * g.KW];
        var gbFast = new T[g.O];
        Conv2dKernels.Backward(x, 3, w, 2, gy, g, gxFast, gwFast, gbFast);
        var gxRef = new T[gxFast.Length];
        var gwRef = new T[gwFast.Length];
        var gbRef = new T[g.O];
        Conv2dReference.BackwardInput<T>(gy, w.AsSpan(2), g, gxRef);
        Conv2dReference.BackwardWeight<T>(x.AsSpan(3), gy, g, gwRef, gbRef);
        AssertClose(gxRef, gxFast, tol, "grad input");
        AssertClose(gwRef, gwFast, tol, "grad weight");
        AssertClose(gbRef, gbFast, tol, "grad bias");
    }

    public static TheoryData<int, int, int, int, int, int, int, int> PoolConfigs => new()
    {
        // H, W, kH, kW, sH, sW, pH, pW
        { 6, 6, 2, 2, 2, 2, 0, 0 },
        { 7, 5, 3, 3, 2, 2, 1, 1 },
        { 5, 8, 2, 3, 1, 2, 1, 1 },
        { 28, 28, 2, 2, 2, 2, 0, 0 },
        { 4, 4, 4, 4, 1, 1, 2, 2 },
        { 9, 7, 3, 2, 3, 1, 0, 1 },
    };

    [Theory]
    [MemberData(nameof(PoolConfigs))]
    public void PoolingFastMatchesReference(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        var g = new PoolGeometry(6, h, w, kh, kw, sh, sw, ph, pw);
        CheckPool<double>(g, 1e-12);
        CheckPool<float>(g, 1e-6);
    }

    private static void CheckPool<T>(PoolGeometry g, double tol) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Generator(23);
        var x = Random<T>(rng, 2 + g.Planes * g.H * g.W);
        int outSize = g.Planes * g.OH * g.OW, inSize = g.Planes * g.H * g.W;
        var gy = Random<T>(rng, outSize);

        var yFast = new T[outSize];
        var arg = new int[outSize];
        Pool2dKernels.MaxForward(x, 2, g, yFast, arg);
        var yRef = new T[outSize];
        Pool2dReference.MaxForward<T>(x.AsSpan(2), g, yRef);
        AssertClose(yRef, yFast, 0, "max forward");
        var gxFast = new T[inSize];
        Pool2dKernels.MaxBackward(gy, 0, g, arg, gxFast);
        var gxRef = new T[inSize];
        Pool2dReference.MaxBackward<T>(x.AsSpan(2), gy, g, gxRef);
        AssertClose(gxRef, gxFast, 0, "max backward");

        Pool2dKernels.AvgForward(x, 2, g, yFast);
        Pool2dReference.AvgForward<T>(x.AsSpan(2), g, yRef);
        AssertClose(yRef, yFast, tol, "avg forward");
        Array.Clear(gxFast);
        Pool2dKernels.AvgBackward(gy, 0, g, gxFast);
        Pool2dReference.AvgBackward<T>(gy, g, gxRef);
        AssertClose(gxRef, gxFast, tol, "avg backward");
    }

    [Theory]
    [InlineData(7, 7, 3, 3)]
    [InlineData(5, 6, 2, 4)]
    [InlineData(4, 4, 4, 4)]
    [InlineData(3, 2, 5, 5)]
    [InlineData(10, 9, 1, 1)]
    [InlineData(8, 8, 1, 1)]
    [InlineData(1, 1, 1, 1)]
    [InlineData(33, 17, 1, 1)]
    public void AdaptiveAvgPoolFastMatchesReference(int h, int w, int oh, int ow)
    {
        var rng = new Generator(29);
        const int planes = 3;
        var x = Random<double>(rng, 1 + planes * h * w);
        var yFast = new double[planes * oh * ow];
        var yRef = new double[yFast.Length];
        Pool2dKernels.AdaptiveAvgForward(x, 1, planes, h, w, oh, ow, yFast);
        Pool2dReference.AdaptiveAvgForward<double>(x.AsSpan(1), planes, h, w, oh, ow, yRef);
        AssertClose(yRef, yFast, 1e-12, "adaptive forward");
        var gy = Random<double>(rng, yFast.Length);
        var gxFast = new double[planes * h * w];
        var gxRef = new double[gxFast.Length];
        Pool2dKernels.AdaptiveAvgBackward(gy, 0, planes, h, w, oh, ow, gxFast);
        Pool2dReference.AdaptiveAvgBackward<double>(gy, planes, h, w, oh, ow, gxRef);
        AssertClose(gxRef, gxFast, 1e-12, "adaptive backward");
    }

    [Fact]
    public void Im2ColFoldIsTheAdjointOfUnfold()
    {
        // <Unfold(x), c> == <x, Fold(c)> for any x and c.
        var g = new ConvGeometry(N: 2, C: 3, H: 6, W: 5, O: 1, KH: 3, KW: 2, SH: 2, SW: 1, PH: 1, PW: 1, DH: 1, DW: 2);
        var rng = new Generator(31);
        var x = Random<double>(rng, g.N * g.C * g.H * g.W);
        var colLen = g.C * g.KH * g.KW * g.N * g.OH * g.OW;
        var col = new double[colLen];
        Im2Col.Unfold(x, 0, g, 0, g.N, col);
        var c = Random<double>(rng, colLen);
        var folded = new double[x.Length];
        Im2Col.Fold(c, g, 0, g.N, folded, 0);
        double lhs = 0, rhs = 0;
        for (int i = 0; i < colLen; i++) lhs += col[i] * c[i];
        for (int i = 0; i < x.Length; i++) rhs += x[i] * folded[i];
        Assert.Equal(lhs, rhs, 1e-10);
    }

    private static T[] Random<T>(Generator rng, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = T.CreateTruncating(rng.NextGaussian());
        return a;
    }

    private static void AssertClose<T>(T[] expected, T[] actual, double tol, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        // Long float sums round differently in different orders; the error scales with the largest value.
        double scale = 1;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(double.CreateTruncating(v)));
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
            if (Math.Abs(e - a) > tol * scale)
                Assert.Fail($"{what}: element {i} expected {e:G9}, got {a:G9}.");
        }
    }
}
