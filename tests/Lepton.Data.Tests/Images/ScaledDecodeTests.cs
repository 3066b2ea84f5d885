using Lepton.Data.Images;
using SkiaSharp;

namespace Lepton.Data.Tests.Images;

/// <summary>
/// A JPEG much larger than the size it is resized to decodes at a reduced DCT scale that still covers that size (as
/// Pillow's draft does): the same tensor within a couple of levels of a full decode, the file's own size reported, and
/// small images, other formats and exact-size models untouched.
/// </summary>
public sealed class ScaledDecodeTests
{
    private static byte[] Photo(int w, int h, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(128 + 100 * Math.Sin(x / 23.0)), (byte)(128 + 100 * Math.Cos(y / 17.0)), (byte)((x + y) * 255 / (w + h))));
        using var data = bitmap.Encode(format, 92);
        return data.ToArray();
    }

    [Fact]
    public void Decode_LargeJpegForASmallSize_DecodesAtAReducedScaleThatStillCoversIt()
    {
        var bytes = Photo(512, 384);
        var (image, w, h) = ImageToTensor.Decode(bytes, "photo.jpg", ImageToTensor.DefaultMaxPixels, 64, 64);
        Assert.Equal((512, 384), (w, h));
        Assert.True(image.Width < 512 && image.Width >= 64 && image.Height >= 64, $"decoded at {image.Width}x{image.Height}");
        Assert.Equal((128, 96), (image.Width, image.Height)); // 2/8 is the smallest scale covering 64 on both sides
    }

    [Fact]
    public void Decode_ScaledThenResized_MatchesAFullDecodeWithinTwoLevels()
    {
        var bytes = Photo(640, 480);
        var full = ImageToTensor.Convert(ImageToTensor.Decode(bytes, "p.jpg"), 3, 48, 64, ResizePolicy.Stretch, "p.jpg").ToArray();
        var scaled = ImageToTensor.Convert(ImageToTensor.Decode(bytes, "p.jpg", ImageToTensor.DefaultMaxPixels, 64, 48).Image, 3, 48, 64, ResizePolicy.Stretch, "p.jpg").ToArray();
        double mean = full.Select((v, i) => (double)Math.Abs(v - scaled[i])).Average();
        Assert.True(mean < 2, $"mean difference {mean:F2} levels");
    }

    [Theory]
    [InlineData(100, 100, SKEncodedImageFormat.Jpeg)] // under twice the size: nothing to gain
    [InlineData(512, 384, SKEncodedImageFormat.Png)]  // only JPEG has DCT scales
    public void Decode_SmallJpegsAndOtherFormats_DecodeAtFullSize(int w, int h, SKEncodedImageFormat format)
    {
        var (image, _, _) = ImageToTensor.Decode(Photo(w, h, format), "p", ImageToTensor.DefaultMaxPixels, 64, 64);
        Assert.Equal((w, h), (image.Width, image.Height));
    }
}
