using Lepton.Data.Images;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;

namespace Lepton.Data.Tests.Images.Import;

/// <summary>Every kind of bad file becomes a problem, never an exception; readable files keep their header's size and colour.</summary>
public sealed class ImageFileReaderTests
{
    [Fact]
    public void Probe_ZeroBytes_IsEmpty() =>
        Assert.Equal(ImageProblemKind.Empty, ImageFileReader.Probe([], "a.jpg", 1000).Problem?.Kind);

    [Fact]
    public void Probe_TextNamedJpg_IsNotAnImage() =>
        Assert.Equal(ImageProblemKind.NotAnImage, ImageFileReader.Probe("hello, I am text"u8, "a.jpg", 1000).Problem?.Kind);

    [Fact]
    public void Probe_HeaderDeclaring100000x100000_IsTooLargeWithoutDecoding()
    {
        var bytes = TestImages.PngHeader(100_000, 100_000);
        var probe = ImageFileReader.Probe(bytes, "huge.png", ImageToTensor.DefaultMaxPixels);
        Assert.Equal(ImageProblemKind.TooLarge, probe.Problem?.Kind);
        Assert.Contains("100000x100000", probe.Problem!.Message);
        // Decoding is refused from the header as well (a 10-gigapixel buffer is never allocated).
        var d = ImageFileReader.Decode(bytes, "huge.png", ImageToTensor.DefaultMaxPixels, 3, 8, 8, ResizePolicy.Stretch, new byte[8 * 8 * 3]);
        Assert.Equal(ImageProblemKind.TooLarge, d.Problem?.Kind);
    }

    [Fact]
    public void Decode_TruncatedPng_IsUnreadable()
    {
        var bytes = TestImages.Encode(32, 32, 5);
        var cut = bytes[..(bytes.Length / 2)];
        var d = ImageFileReader.Decode(cut, "cut.png", 1_000_000, 3, 8, 8, ResizePolicy.Stretch, new byte[8 * 8 * 3]);
        Assert.Equal(ImageProblemKind.Unreadable, d.Problem?.Kind);
    }

    [Fact]
    public void Probe_GrayAndColour_ReportsSizeAndColour()
    {
        var gray = ImageFileReader.Probe(TestImages.Encode(20, 10, 1, gray: true), "g.png", 1000);
        var colour = ImageFileReader.Probe(TestImages.Encode(12, 14, 1, TestImages.Kind.Jpeg), "c.jpg", 1000);
        Assert.Equal((20, 10, false), (gray.Width, gray.Height, gray.Colour));
        Assert.Equal((12, 14, true), (colour.Width, colour.Height, colour.Colour));
        Assert.Equal(64, gray.Sha256.Length);
    }

    [Theory]
    [InlineData(ResizePolicy.Stretch, 3)]
    [InlineData(ResizePolicy.Fit, 1)]
    [InlineData(ResizePolicy.Crop, 3)]
    public void Decode_ReadableImage_GivesTheRoundedPixelsOfImageToTensor(ResizePolicy policy, int channels)
    {
        var bytes = TestImages.Encode(37, 23, 7);
        var hwc = new byte[16 * 12 * channels];
        var d = ImageFileReader.Decode(bytes, "a.png", 1_000_000, channels, 16, 12, policy, hwc);
        Assert.Null(d.Problem);
        Assert.Equal((37, 23, 3), (d.Width, d.Height, d.Channels));
        var chw = ImageToTensor.Convert(ImageToTensor.Decode(bytes, "a.png"), channels, 12, 16, policy, "a.png").ToArray();
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < 16 * 12; p++)
                Assert.Equal((int)Math.Clamp(Math.Round(chw[c * 192 + p], MidpointRounding.AwayFromZero), 0, 255), hwc[p * channels + c]);
    }
}

/// <summary>The SIMD horizontal pass for RGB gives the scalar pass's floats bit for bit (so shards equal predict's pixels on any CPU).</summary>
public sealed class ImageResizeVectorTests
{
    [Theory]
    [InlineData(256, 240, 64, 64)]
    [InlineData(37, 23, 16, 12)]
    [InlineData(7, 5, 20, 9)]
    [InlineData(300, 1, 3, 1)]
    public void Bilinear_VectorizedRgb_EqualsScalarBitForBit(int w, int h, int ow, int oh)
    {
        var rng = new Random(w * 31 + h);
        var src = new byte[w * h * 3];
        rng.NextBytes(src);
        var (fast, slow) = (new float[3 * ow * oh], new float[3 * ow * oh]);
        Lepton.Data.Images.ImageResize.Bilinear(src, w, h, 3, fast, ow, oh, vectorized: true);
        Lepton.Data.Images.ImageResize.Bilinear(src, w, h, 3, slow, ow, oh, vectorized: false);
        for (int i = 0; i < fast.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(fast[i]) == BitConverter.SingleToInt32Bits(slow[i]), $"value {i}: {fast[i]:R} vs {slow[i]:R}");
    }
}
