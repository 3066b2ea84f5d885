using Lepton.Data.Formats;
using Lepton.Data.Images;
using SkiaSharp;

namespace Lepton.Data.Tests.Images;

/// <summary>
/// The system libjpeg-turbo path (the fast one) against SkiaSharp's decoder (the reference twin): the same pixels for every
/// fixture JPEG (subsamplings, restart intervals, gray, progressive, EXIF-rotated) at full size and at every DCT scale, and the
/// EXIF orientation read the way Skia reads it. test.sh installs libturbojpeg0; without it these tests fail and say so.
/// </summary>
public sealed class TurboJpegDecoderTests
{
    public static TheoryData<string> Fixtures => new()
    {
        "jpeg/dri_rgb444_16x16.jpg", "jpeg/gray_17x11.jpg", "jpeg/noninterleaved_420_26x19.jpg", "jpeg/progressive_16x16.jpg",
        "jpeg/restart_420_40x24.jpg", "jpeg/restart_gray_23x18.jpg", "jpeg/rgb420_33x17.jpg", "jpeg/rgb420_opt_64x48.jpg",
        "jpeg/rgb420_q10_24x24.jpg", "jpeg/rgb422_21x9.jpg", "jpeg/rgb440_18x20.jpg", "jpeg/rgb444_19x13.jpg",
        "formats/progressive.jpg", "formats/rotated.jpg",
    };

    private static void RequireLibrary() =>
        Assert.True(TurboJpegDecoder.IsAvailable,
            "libturbojpeg.so.0 is not installed (Debian package libturbojpeg0; test.sh installs it), or LEPTON_JPEG=skia is set.");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Decode_Fixture_SamePixelsAsSkiaSharp(string file)
    {
        RequireLibrary();
        var bytes = File.ReadAllBytes(TestData.Fixture(file));
        var fast = SkiaImageDecoder.Decode(bytes, file, ImageToTensor.DefaultMaxPixels, 0, 0);
        var reference = SkiaImageDecoder.DecodeWithSkia(bytes, file, ImageToTensor.DefaultMaxPixels, 0, 0);
        AssertSame(reference, fast, file);
    }

    [Theory]
    [InlineData(640, 480, 64, 64, false)]
    [InlineData(503, 317, 32, 48, false)]
    [InlineData(640, 480, 64, 64, true)]
    [InlineData(250, 250, 64, 64, true)]
    [InlineData(256, 200, 100, 80, false)]
    public void Decode_ScaledForATargetSize_SameScaleAndPixelsAsSkiaSharp(int w, int h, int targetW, int targetH, bool gray)
    {
        RequireLibrary();
        var bytes = Photo(w, h, gray);
        var fast = SkiaImageDecoder.Decode(bytes, "photo.jpg", ImageToTensor.DefaultMaxPixels, targetW, targetH);
        var reference = SkiaImageDecoder.DecodeWithSkia(bytes, "photo.jpg", ImageToTensor.DefaultMaxPixels, targetW, targetH);
        AssertSame(reference, fast, $"{w}x{h} for {targetW}x{targetH}");
    }

    [Fact]
    public void Decode_EveryDctScale_MatchesTurboJpegsOwnSizes()
    {
        RequireLibrary();
        var bytes = Photo(203, 117, false);
        for (int eighths = 1; eighths <= 8; eighths++)
        {
            var image = TurboJpegDecoder.TryDecode(bytes, eighths);
            Assert.NotNull(image);
            Assert.Equal((TurboJpegDecoder.Scaled(203, eighths), TurboJpegDecoder.Scaled(117, eighths), 3), (image!.Width, image.Height, image.Channels));
        }
    }

    [Fact]
    public void TryDecode_CorruptOrTruncatedData_Declines()
    {
        RequireLibrary();
        var bytes = Photo(64, 48, false);
        Assert.Null(TurboJpegDecoder.TryDecode(bytes[..(bytes.Length / 2)]));
        var garbled = (byte[])bytes.Clone();
        for (int i = bytes.Length / 3; i < bytes.Length / 3 + 40; i++) garbled[i] ^= 0x5A;
        // A damaged scan is a warning to libjpeg-turbo; the fast path stops at it and leaves the answer to SkiaSharp.
        Assert.Null(TurboJpegDecoder.TryDecode(garbled));
        Assert.Null(TurboJpegDecoder.TryDecode("not a jpeg"u8));
    }

    [Fact]
    public void Orientation_RotatedFixture_IsTheOneSkiaSharpReads()
    {
        var bytes = File.ReadAllBytes(TestData.Fixture("formats/rotated.jpg"));
        using var codec = SKCodec.Create(new SKMemoryStream(bytes));
        Assert.Equal((int)codec.EncodedOrigin, JpegExif.Orientation(bytes));
        Assert.NotEqual(1, JpegExif.Orientation(bytes));
        Assert.Equal(1, JpegExif.Orientation(File.ReadAllBytes(TestData.Fixture("jpeg/rgb444_19x13.jpg"))));
        Assert.Equal(1, JpegExif.Orientation([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0xFF, (byte)'E']));
    }

    private static void AssertSame((PngImage Image, int W, int H) want, (PngImage Image, int W, int H) got, string what)
    {
        Assert.Equal((want.W, want.H), (got.W, got.H));
        Assert.Equal((want.Image.Width, want.Image.Height, want.Image.Channels), (got.Image.Width, got.Image.Height, got.Image.Channels));
        int worst = 0;
        for (int i = 0; i < want.Image.Pixels.Length; i++) worst = Math.Max(worst, Math.Abs(want.Image.Pixels[i] - got.Image.Pixels[i]));
        Assert.True(worst == 0, $"{what}: the libjpeg-turbo path differs from SkiaSharp's by up to {worst} levels");
    }

    private static byte[] Photo(int w, int h, bool gray)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                byte v = (byte)(128 + 100 * Math.Sin(x / 13.0) * Math.Cos(y / 9.0));
                bitmap.SetPixel(x, y, gray ? new SKColor(v, v, v) : new SKColor(v, (byte)(x * 255 / w), (byte)(y * 255 / h)));
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
