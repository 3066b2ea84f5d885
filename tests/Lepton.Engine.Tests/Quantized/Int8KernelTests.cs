using Lepton.Engine.Kernels.Quantized;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests.Quantized;

/// <summary>The int8 kernels against their plain twins (bit-equal: integer math, the same float epilogue) and against float math.</summary>
[Collection(ThreadCountCollection.Name)]
public class Int8KernelTests
{
    private static float[] Floats(int seed, int n, float scale = 1f, float shift = 0f)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * scale + shift;
        return v;
    }

    private static Int8Weights RandomWeights(int seed, int o, int k, bool conv = false, int c = 0, int kernel = 0)
    {
        var rng = new Random(seed);
        var codes = new sbyte[o * k];
        for (int i = 0; i < codes.Length; i++) codes[i] = (sbyte)rng.Next(-127, 128);
        var scales = new float[o];
        for (int i = 0; i < o; i++) scales[i] = (float)(0.001 + rng.NextDouble() * 0.01);
        return conv ? Int8Weights.FromConv(codes, o, c, kernel, kernel, scales) : Int8Weights.FromRows(codes, o, k, scales);
    }

    [Fact]
    public void Quantize_HugeNaNAndInfinityInputs_FastEqualsReference()
    {
        var x = Floats(1, 203, 3f);
        x[0] = float.NaN; x[1] = float.PositiveInfinity; x[2] = float.NegativeInfinity; x[3] = 1e30f; x[4] = -1e30f;
        x[5] = 0.5f / 0.02f * 0.02f; x[6] = 2.5f * 0.02f; x[7] = -2.5f * 0.02f; // halfway codes round to even
        var fast = new byte[x.Length];
        var slow = new byte[x.Length];
        Int8Activations.Quantize(x, 1f / 0.02f, 37, fast);
        Int8Activations.QuantizeReference(x, 1f / 0.02f, 37, slow);
        Assert.Equal(slow, fast);
        var avx2 = new byte[x.Length];
        Int8Activations.Quantize(x, 1f / 0.02f, 37, avx2, Int8InstructionSet.Avx2);
        Assert.Equal(slow, avx2);
        Assert.Equal(Int8Activations.MaxCode, fast[1]);
        Assert.Equal(0, fast[2]);
        Assert.All(fast, q => Assert.InRange(q, 0, Int8Activations.MaxCode));
    }

    [Theory]
    [InlineData(1, 4, 1, false, false, false)]
    [InlineData(5, 9, 10, true, true, false)]
    [InlineData(7, 13, 64, true, false, true)]
    [InlineData(13, 288, 130, false, true, true)]
    [InlineData(64, 3136, 128, true, true, false)]
    [InlineData(1, 3136, 128, true, true, false)] // the reference CNN's fc1 at batch 1 (one-row tile)
    public void Gemm_RowAndChannelTails_FastEqualsReference(int rows, int k, int o, bool bias, bool relu, bool channelMajor)
    {
        var w = RandomWeights(2, o, k);
        int lda = w.KPadded + 3;
        var rng = new Random(3);
        var a = new byte[rows * lda];
        for (int i = 0; i < a.Length; i++) a[i] = (byte)rng.Next(0, Int8Activations.MaxCode + 1);
        var e = new Int8Epilogue(0.037f, 21, bias ? Floats(4, o) : null, relu);
        int ldy = channelMajor ? rows + 2 : o + 1;
        int size = channelMajor ? o * ldy : rows * ldy;
        var fast = new float[size];
        var slow = new float[size];
        Int8Gemm.Run(a, rows, lda, w, e, fast, ldy, channelMajor);
        Int8GemmReference.Run(a, rows, lda, w, e, slow, ldy, channelMajor);
        Assert.Equal(slow, fast);
        var avx2 = new float[size];
        try
        {
            Int8Gemm.ForceAvx2 = true;
            Int8Gemm.Run(a, rows, lda, w, e, avx2, ldy, channelMajor);
        }
        finally
        {
            Int8Gemm.ForceAvx2 = false;
        }
        Assert.Equal(slow, avx2);
        if (relu) Assert.All(fast, v => Assert.True(v >= 0));
        Assert.Contains(fast, v => v != 0);
    }

    [Theory]
    [InlineData(1, 1, 3, 1, 1, 1, 32)]
    [InlineData(3, 32, 3, 1, 1, 1, 64)]
    [InlineData(2, 3, 3, 2, 1, 1, 5)]
    [InlineData(2, 4, 3, 1, 2, 2, 70)]
    [InlineData(5, 2, 1, 1, 0, 1, 3)]
    [InlineData(2, 32, 3, 1, 1, 1, 64)]
    [InlineData(3, 3, 5, 2, 2, 1, 6)]
    public void Conv2d_StridesPaddingsDilations_FastEqualsReference(int n, int c, int kernel, int stride, int padding, int dilation, int o)
    {
        var s = new Int8ConvShape(n, c, 9, 11, kernel, stride, padding, dilation);
        var w = RandomWeights(5, o, c * kernel * kernel, conv: true, c, kernel);
        var x = Floats(6, n * c * 9 * 11, 2f);
        var e = new Int8Epilogue(0.02f, 50, Floats(7, o), Relu: o % 2 == 0);
        var fast = new float[n * o * s.OH * s.OW];
        var slow = new float[fast.Length];
        int threads = CpuParallel.ThreadCount;
        try
        {
            CpuParallel.ThreadCount = 2;
            Int8Conv2d.Run(x, s, w, e, fast);
        }
        finally
        {
            CpuParallel.ThreadCount = threads;
        }
        Int8Conv2dReference.Run(x, s, w, e, slow);
        Assert.Equal(slow, fast);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void Conv2d_Im2colAndScalarFallbacks_EqualPixelMajorPath(bool im2col, bool reference, bool avx2)
    {
        // The paths a CPU without AVX-512 BW takes (im2col rows into AVX2 tiles; the scalar GEMM) against the default one.
        var s = new Int8ConvShape(3, 8, 10, 7, 3, 1, 1, 1);
        var w = RandomWeights(17, 13, 8 * 9, conv: true, 8, 3);
        var x = Floats(18, 3 * 8 * 10 * 7, 2f);
        var e = new Int8Epilogue(0.02f, 50, Floats(19, 13), Relu: true);
        var expected = new float[3 * 13 * 10 * 7];
        var actual = new float[expected.Length];
        Int8Conv2d.Run(x, s, w, e, expected);
        try
        {
            Int8Conv2d.ForceIm2col = im2col;
            Int8Gemm.ForceReference = reference;
            Int8Gemm.ForceAvx2 = avx2;
            Int8Conv2d.Run(x, s, w, e, actual);
        }
        finally
        {
            Int8Conv2d.ForceIm2col = false;
            Int8Gemm.ForceReference = false;
            Int8Gemm.ForceAvx2 = false;
        }
        Assert.Equal(expected, actual);
        Assert.Contains(actual, v => v > 0);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void Conv2dReluMaxPool_EachImagePooledInCache_EqualsConvThenPool(bool im2col, bool reference, bool avx2)
    {
        // 10x8 output, pooled to 5x4; the reference is the plain convolution with ReLU and a plain 2x2 max.
        var s = new Int8ConvShape(5, 4, 10, 8, 3, 1, 1, 1);
        var w = RandomWeights(23, 6, 4 * 9, conv: true, 4, 3);
        var x = Floats(24, 5 * 4 * 10 * 8, 2f);
        var e = new Int8Epilogue(0.02f, 50, Floats(25, 6), Relu: true);
        var full = new float[5 * 6 * 10 * 8];
        Int8Conv2dReference.Run(x, s, w, e, full);
        var expected = new float[full.Length / 4];
        for (int plane = 0; plane < 5 * 6; plane++)
            for (int py = 0; py < 5; py++)
                for (int px = 0; px < 4; px++)
                {
                    int at = plane * 80 + 2 * py * 8 + 2 * px;
                    expected[plane * 20 + py * 4 + px] = MathF.Max(MathF.Max(full[at], full[at + 1]), MathF.Max(full[at + 8], full[at + 9]));
                }
        var actual = new float[expected.Length];
        int threads = CpuParallel.ThreadCount;
        try
        {
            CpuParallel.ThreadCount = 2;
            Int8Conv2d.ForceIm2col = im2col;
            Int8Gemm.ForceReference = reference;
            Int8Gemm.ForceAvx2 = avx2;
            Int8Conv2d.RunReluMaxPool2x2(x, s, w, e with { Relu = false }, actual);
        }
        finally
        {
            CpuParallel.ThreadCount = threads;
            Int8Conv2d.ForceIm2col = false;
            Int8Gemm.ForceReference = false;
            Int8Gemm.ForceAvx2 = false;
        }
        Assert.Equal(expected, actual);
        Assert.Contains(actual, v => v > 0);
        Assert.Throws<ArgumentException>(() => Int8Conv2d.RunReluMaxPool2x2(x, s with { W = 7 }, w, e, new float[5 * 6 * 5 * 3]));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Linear_ScalarAndAvx2Paths_EqualTheDefaultPathOnTwoThreads(bool reference, bool avx2)
    {
        var w = RandomWeights(20, 70, 45);
        var x = Floats(21, 33 * 45, 1f, 0.2f);
        var e = new Int8Epilogue(0.012f, 30, Floats(22, 70), Relu: false);
        var expected = new float[33 * 70];
        var actual = new float[expected.Length];
        Int8Linear.Run(x, 33, w, e, expected);
        int threads = CpuParallel.ThreadCount;
        try
        {
            // The calling thread's choice is what the workers run, so the rows on the second thread take it too.
            CpuParallel.ThreadCount = 2;
            Int8Gemm.ForceReference = reference;
            Int8Gemm.ForceAvx2 = avx2;
            Int8Linear.Run(x, 33, w, e, actual);
        }
        finally
        {
            CpuParallel.ThreadCount = threads;
            Int8Gemm.ForceReference = false;
            Int8Gemm.ForceAvx2 = false;
        }
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(Int8InstructionSet.Avx512, null, Int8InstructionSet.Avx512)]
    [InlineData(Int8InstructionSet.Avx512, "avx2", Int8InstructionSet.Avx2)]
    [InlineData(Int8InstructionSet.Avx512, " Reference ", Int8InstructionSet.Reference)]
    [InlineData(Int8InstructionSet.Avx2, "avx512", Int8InstructionSet.Avx2)] // a setting never raises what the CPU has
    [InlineData(Int8InstructionSet.Reference, "avx2", Int8InstructionSet.Reference)]
    public void Kernels_EnvironmentSetting_OnlyLowersTheInstructionSet(Int8InstructionSet supported, string? setting, Int8InstructionSet expected) =>
        Assert.Equal(expected, Int8Kernels.Cap(supported, setting));

    [Fact]
    public void Kernels_UnknownSetting_IsRefusedNamingTheChoices()
    {
        var ex = Assert.Throws<ArgumentException>(() => Int8Kernels.Cap(Int8InstructionSet.Avx512, "sse"));
        Assert.Contains("LEPTON_INT8_ISA='sse'", ex.Message);
        Assert.Contains("avx512, avx2 or reference", ex.Message);
    }

    [Fact]
    public void Linear_ManyRowsOnTwoThreads_FastEqualsReference()
    {
        var w = RandomWeights(8, 37, 301);
        var x = Floats(9, 131 * 301, 1.5f, 0.5f);
        var e = new Int8Epilogue(0.016f, 40, Floats(10, 37), Relu: true);
        var fast = new float[131 * 37];
        var slow = new float[fast.Length];
        int threads = CpuParallel.ThreadCount;
        try
        {
            CpuParallel.ThreadCount = 2;
            Int8Linear.Run(x, 131, w, e, fast);
        }
        finally
        {
            CpuParallel.ThreadCount = threads;
        }
        Int8Linear.RunReference(x, 131, w, e, slow);
        Assert.Equal(slow, fast);
    }

    [Fact]
    public void Linear_DequantizedCodes_MatchFloatMatmulOfDequantizedValues()
    {
        // The zero-point algebra: the kernel's output equals sum_k (q - zp) * sa * w * sw + b computed in double.
        int rows = 6, k = 45, o = 9;
        var w = RandomWeights(11, o, k);
        var x = Floats(12, rows * k, 1f, 0.3f);
        float sa = 0.011f;
        int zp = 60;
        var bias = Floats(13, o);
        var y = new float[rows * o];
        Int8Linear.Run(x, rows, w, new Int8Epilogue(sa, zp, bias, false), y);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < o; j++)
            {
                double sum = bias[j];
                for (int i = 0; i < k; i++)
                {
                    int q = Math.Clamp((int)Math.Round(x[r * k + i] / sa, MidpointRounding.ToEven) + zp, 0, 127);
                    sum += (q - zp) * (double)sa * w.Rows[j * k + i] * w.Scales[j];
                }
                Assert.Equal(sum, y[r * o + j], 1e-4);
            }
    }

    [Fact]
    public void Conv2d_PermutedConvWeights_MatchDirectConvolutionOfOihwCodes()
    {
        // Int8Weights.FromConv reorders (O,C,KH,KW) into (ky,kx,c) rows; a direct convolution over the original layout must agree.
        int n = 1, c = 3, h = 6, wd = 5, o = 4, kernel = 3;
        var rng = new Random(14);
        var oihw = new sbyte[o * c * kernel * kernel];
        for (int i = 0; i < oihw.Length; i++) oihw[i] = (sbyte)rng.Next(-127, 128);
        var scales = Enumerable.Repeat(0.01f, o).ToArray();
        var w = Int8Weights.FromConv(oihw, o, c, kernel, kernel, scales);
        var x = Floats(15, n * c * h * wd);
        var s = new Int8ConvShape(n, c, h, wd, kernel, 1, 1, 1);
        float sa = 0.01f;
        int zp = 64;
        var y = new float[n * o * h * wd];
        Int8Conv2d.Run(x, s, w, new Int8Epilogue(sa, zp, null, false), y);
        for (int oc = 0; oc < o; oc++)
            for (int oy = 0; oy < h; oy++)
                for (int ox = 0; ox < wd; ox++)
                {
                    double sum = 0;
                    for (int ic = 0; ic < c; ic++)
                        for (int ky = 0; ky < kernel; ky++)
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int iy = oy + ky - 1, ix = ox + kx - 1;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                int q = Math.Clamp((int)Math.Round(x[(ic * h + iy) * wd + ix] / sa, MidpointRounding.ToEven) + zp, 0, 127);
                                sum += (q - zp) * (double)sa * oihw[((oc * c + ic) * kernel + ky) * kernel + kx] * 0.01;
                            }
                    Assert.Equal(sum, y[(oc * h + oy) * wd + ox], 1e-4);
                }
    }

    [Fact]
    public void Gemm_ZeroPointOutOfRange_ThrowsNamingTheRange()
    {
        var w = RandomWeights(16, 4, 8);
        var e = new Int8Epilogue(0.1f, 200, null, false);
        var ex = Assert.Throws<ArgumentException>(() => Int8Gemm.Run(new byte[8], 1, 8, w, e, new float[4], 4, false));
        Assert.Contains("[0, 127]", ex.Message);
    }
}
