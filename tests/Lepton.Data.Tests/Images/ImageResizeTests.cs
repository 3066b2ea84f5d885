using System.Text.Json.Nodes;
using Lepton.Data.Formats;
using Lepton.Data.Images;

namespace Lepton.Data.Tests.Images;

/// <summary>
/// Antialiased bilinear resizing: the separable kernel equals its direct 2-D reference, and both match Pillow's
/// Image.resize(BILINEAR) (tools/fixtures/data_resize.py) to within Pillow's own 8-bit rounding.
/// </summary>
public class ImageResizeTests
{
    private static byte[] Source(int w, int h, int c)
    {
        var data = new byte[w * h * c];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                    data[(y * w + x) * c + ch] = (byte)((x * 7 + y * 13 + ch * 29 + (x * y) % 17) % 256);
        return data;
    }

    public static TheoryData<int> Cases => new(Enumerable.Range(0, 5));

    private static JsonObject Case(int i) => JsonNode.Parse(File.ReadAllText(TestData.Fixture("resize/resize.json")))!["cases"]![i]!.AsObject();

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPillowBilinear(int index)
    {
        var c = Case(index);
        int w = (int)c["width"]!, h = (int)c["height"]!, ch = (int)c["channels"]!, ow = (int)c["out_width"]!, oh = (int)c["out_height"]!;
        var expected = c["pixels"]!.AsArray().Select(v => (int)v!).ToArray(); // (H,W,C)
        var actual = new float[ch * oh * ow]; // (C,H,W)
        ImageResize.Bilinear(Source(w, h, ch), w, h, ch, actual, ow, oh);
        double worst = 0, total = 0;
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                for (int k = 0; k < ch; k++)
                {
                    double d = Math.Abs(expected[(y * ow + x) * ch + k] - actual[(k * oh + y) * ow + x]);
                    worst = Math.Max(worst, d);
                    total += d;
                }
        Assert.True(worst <= 1.5, $"largest difference from Pillow {worst:F3} levels");
        Assert.True(total / expected.Length <= 0.5, $"mean difference from Pillow {total / expected.Length:F3} levels");
    }

    [Theory]
    [InlineData(17, 13, 3, 8, 6)]
    [InlineData(10, 7, 1, 23, 19)]
    [InlineData(64, 48, 3, 7, 31)]
    [InlineData(1, 1, 1, 4, 3)]
    public void SeparableKernelEqualsTheReference(int w, int h, int c, int ow, int oh)
    {
        var src = Source(w, h, c);
        var fast = new float[c * oh * ow];
        var reference = new float[c * oh * ow];
        ImageResize.Bilinear(src, w, h, c, fast, ow, oh);
        ImageResize.BilinearReference(src, w, h, c, reference, ow, oh);
        for (int i = 0; i < fast.Length; i++) Assert.True(Math.Abs(fast[i] - reference[i]) <= 1e-3, $"value {i}: {fast[i]} vs {reference[i]}");
    }

    [Fact]
    public void SameSizeIsTheIdentity()
    {
        var src = Source(6, 5, 3);
        var dst = new float[3 * 5 * 6];
        ImageResize.Bilinear(src, 6, 5, 3, dst, 6, 5);
        Assert.Equal(new PngImage(6, 5, 3, src).ToTensor().ToArray(), dst);
    }

    [Fact]
    public void A640x480JpegBecomesA32x32RgbInputByEveryPolicy()
    {
        var image = new PngImage(640, 480, 3, Source(640, 480, 3));
        foreach (var policy in new[] { ResizePolicy.Stretch, ResizePolicy.Fit, ResizePolicy.Crop })
        {
            var t = ImageToTensor.Convert(image, 3, 32, 32, policy, "photo.jpg");
            Assert.Equal([3, 32, 32], t.Shape.ToArray());
            Assert.All(t.ToArray(), v => Assert.InRange(v, 0f, 255f));
        }
        // Fit keeps the 4:3 aspect: 32x24 centred, rows 0-3 and 28-31 are the zero border.
        var fit = ImageToTensor.Convert(image, 3, 32, 32, ResizePolicy.Fit, "photo.jpg").ToArray();
        Assert.All(fit.AsSpan(0, 4 * 32).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(fit.AsSpan(4 * 32, 24 * 32).ToArray(), v => v > 0);
        var gray = ImageToTensor.Convert(image, 1, 28, 28, ResizePolicy.Stretch, "photo.jpg");
        Assert.Equal([1, 28, 28], gray.Shape.ToArray());
    }

    [Fact]
    public void ExactPolicyRefusesOtherSizesNamingTheFix()
    {
        var image = new PngImage(30, 30, 1, new byte[900]);
        var e = Assert.Throws<InvalidDataException>(() => ImageToTensor.Convert(image, 1, 28, 28, ResizePolicy.Exact, "shirt.png"));
        Assert.Contains("shirt.png is 30x30 but the model expects 28x28 images", e.Message);
        Assert.Contains("resize policy", e.Message);
    }

    [Fact]
    public void UnknownFormatsAreRefusedAndCorruptImagesNamed()
    {
        var e = Assert.Throws<NotSupportedException>(() => ImageToTensor.Decode("%PDF-1.4 ......"u8, "scan.pdf"));
        Assert.Contains("scan.pdf is not an image Lepton reads", e.Message);
        var corrupt = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode("GIF89a......"u8, "cat.gif"));
        Assert.Contains("cat.gif", corrupt.Message);
    }
}
