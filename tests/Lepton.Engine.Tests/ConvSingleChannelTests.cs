using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>
/// The single-input-channel 3x3 inference convolution against <see cref="Conv2dReference"/> (and, pooled, against the
/// reference followed by ReLU and a 2x2 max pool): vector bodies and overlapping last vectors of several widths, offsets,
/// no bias; and the tensor ops taking it only for read-only (served) weights.
/// </summary>
public class ConvSingleChannelTests
{
    // The 16-column tests need AVX-512; without it the AVX2 vectors take its place (their own test below), and without AVX2
    // and FMA the kernel must never be chosen (its intrinsics would throw).
    private static bool Supported()
    {
        if (Avx512F.IsSupported) return true;
        Assert.Equal(Avx2.IsSupported && Fma.IsSupported, ConvSingleChannel.Applies(Geometry(1, 28, 28, 32)));
        return false;
    }

    private static ConvGeometry Geometry(int n, int h, int w, int o) => new(N: n, C: 1, H: h, W: w, O: o, KH: 3, KW: 3, PH: 1, PW: 1);

    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
    }

    private static float[] ReferenceConv(float[] x, float[] w, float[]? b, ConvGeometry g)
    {
        var y = new float[g.N * g.O * g.OH * g.OW];
        Conv2dReference.Forward<float>(x, w, b ?? [], g, y);
        return y;
    }

    private static void AssertClose(float[] expected, float[] actual, int offset = 0)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[offset + i]) <= 2e-5f * (1 + Math.Abs(expected[i])), $"at {i}: {expected[i]} vs {actual[offset + i]}");
    }

    [Theory]
    [InlineData(3, 28, 28, 5)] // Fashion-MNIST's first layer: a full vector and an overlapping one per row
    [InlineData(2, 17, 20, 3)] // odd height, a row of one vector and a 4-column overlap
    [InlineData(2, 16, 16, 4)] // exactly one vector per row
    [InlineData(1, 5, 34, 2)]  // three vectors per row
    public void Forward_MatchesReference(int n, int h, int w, int o)
    {
        if (!Supported()) return;
        var g = Geometry(n, h, w, o);
        var x = Random(n * h * w, 1);
        var k = Random(o * 9, 2);
        var b = Random(o, 3);
        var y = new float[n * o * h * w];
        ConvSingleChannel.Forward(x, 0, k, 0, b, 0, g, y, ConvTail.None);
        AssertClose(ReferenceConv(x, k, b, g), y);
    }

    [Theory]
    [InlineData(3, 28, 28, 5)]
    [InlineData(2, 6, 18, 3)]  // pooled rows of 9: the second vector's pairs overlap the first's
    [InlineData(1, 16, 32, 2)]
    public void ForwardReluPool_MatchesReferenceThenReluAndPool(int n, int h, int w, int o)
    {
        if (!Supported()) return;
        var g = Geometry(n, h, w, o);
        var x = Random(n * h * w, 4);
        var k = Random(o * 9, 5);
        var b = Random(o, 6);
        var y = new float[n * o * h * w / 4];
        ConvSingleChannel.Forward(x, 0, k, 0, b, 0, g, y, ConvTail.ReluMaxPool2x2);
        AssertClose(ConvWinograd4Tests.ReluPool(ReferenceConv(x, k, b, g), g), y);
    }

    [Theory]
    [InlineData(3, 28, 28, 5, false)]
    [InlineData(3, 28, 28, 5, true)]
    [InlineData(2, 17, 20, 3, false)] // rows of 20: two full AVX2 vectors and an overlapping one
    [InlineData(2, 6, 18, 3, true)]
    [InlineData(1, 9, 8, 2, false)]   // exactly one AVX2 vector per row (too narrow for the AVX-512 one)
    [InlineData(1, 10, 8, 2, true)]
    public void Avx2Path_MatchesReferenceAndTheAvx2Im2colPathBitForBit(int n, int h, int w, int o, bool reluPool)
    {
        if (!(Avx2.IsSupported && Fma.IsSupported)) return;
        var g = Geometry(n, h, w, o);
        var x = Random(n * h * w, 9);
        var k = Random(o * 9, 10);
        var b = Random(o, 11);
        var y = new float[reluPool ? n * o * h * w / 4 : n * o * h * w];
        ConvSingleChannel.ForceAvx2 = true;
        try
        {
            Assert.True(ConvSingleChannel.Applies(g));
            ConvSingleChannel.Forward(x, 0, k, 0, b, 0, g, y, reluPool ? ConvTail.ReluMaxPool2x2 : ConvTail.None);
        }
        finally
        {
            ConvSingleChannel.ForceAvx2 = false;
        }
        var reference = ReferenceConv(x, k, b, g);
        AssertClose(reluPool ? ConvWinograd4Tests.ReluPool(reference, g) : reference, y);
        // On an AVX2 CPU a trainable layer runs im2col rows through the AVX2 GEMM; a served (read-only) one runs this
        // kernel, which rounds as that path does: the same floats.
        var im2col = new float[n * o * h * w];
        var (kind, stride1) = (Gemm.KernelOverride, ConvStride1.Disabled);
        try
        {
            Gemm.KernelOverride = GemmKernelKind.Avx2;
            ConvStride1.Disabled = true;
            Conv2dKernels.Forward(x, 0, k, 0, b, 0, g, im2col);
        }
        finally
        {
            (Gemm.KernelOverride, ConvStride1.Disabled) = (kind, stride1);
        }
        Assert.Equal(reluPool ? ConvWinograd4Tests.ReluPool(im2col, g) : im2col, y);
    }

    [Fact]
    public void Forward_OffsetsAndNoBias()
    {
        if (!Supported()) return;
        var g = Geometry(2, 9, 21, 3);
        var x = Random(7 + 2 * 9 * 21, 7);
        var k = Random(5 + 27, 8);
        var y = new float[2 * 3 * 9 * 21];
        ConvSingleChannel.Forward(x, 7, k, 5, null, 0, g, y, ConvTail.None);
        AssertClose(ReferenceConv(x[7..], k[5..], null, g), y);
    }

    [Fact]
    public void Applies_OnlyToOneChannel3x3Stride1Padding1_AtLeast16Wide()
    {
        if (!Supported()) return;
        Assert.True(ConvSingleChannel.Applies(Geometry(1, 28, 28, 32)));
        Assert.False(ConvSingleChannel.Applies(new ConvGeometry(N: 1, C: 2, H: 28, W: 28, O: 32, KH: 3, KW: 3, PH: 1, PW: 1)));
        Assert.False(ConvSingleChannel.Applies(new ConvGeometry(N: 1, C: 1, H: 28, W: 28, O: 32, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1)));
        Assert.False(ConvSingleChannel.Applies(new ConvGeometry(N: 1, C: 1, H: 28, W: 28, O: 32, KH: 3, KW: 3)));
        Assert.False(ConvSingleChannel.Applies(Geometry(1, 28, 15, 32)));
    }

    [Fact]
    public void TensorOps_TakeItForReadOnlyWeights_SameValuesAsTraining()
    {
        // x: (4,1,28,28); w: (8,1,3,3). Trainable weights run the general kernels; read-only ones (a served model) this one.
        var x = Tensor.Randn(new Shape(4, 1, 28, 28), new Generator(11));
        var w = Tensor.Randn(new Shape(8, 1, 3, 3), new Generator(12));
        var b = Tensor.Randn(new Shape(8), new Generator(13));
        using var _ = new NoGrad();
        var conv = x.Conv2d(w, b, padH: 1, padW: 1).ToArray();
        var fused = x.Conv2dReluMaxPool2d(w, b, padH: 1, padW: 1).ToArray();
        var (wr, br) = (w.Clone(), b.Clone());
        wr.Storage.MakeReadOnly();
        br.Storage.MakeReadOnly();
        AssertClose(conv, x.Conv2d(wr, br, padH: 1, padW: 1).ToArray());
        AssertClose(fused, x.Conv2dReluMaxPool2d(wr, br, padH: 1, padW: 1).ToArray());
    }
}
