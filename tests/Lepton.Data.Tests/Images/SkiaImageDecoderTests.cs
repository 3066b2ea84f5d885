using System.Text.Json.Nodes;
using Lepton.Data.Formats;
using Lepton.Data.Images;

namespace Lepton.Data.Tests.Images;

/// <summary>
/// The image path decodes every format through SkiaSharp as Pillow does (tools/fixtures/data_formats.py): lossless formats
/// exactly, JPEG within the IDCT's rounding, EXIF orientation applied; huge declared sizes and truncated files are refused.
/// </summary>
public class SkiaImageDecoderTests
{
    public static TheoryData<string, bool> Cases => new()
    {
        { "progressive.jpg", false }, { "rotated.jpg", false }, { "image.bmp", true }, { "image.gif", true }, { "image.webp", true }, { "gray.png", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecodesLikePillow(string file, bool lossless)
    {
        var expected = JsonNode.Parse(File.ReadAllText(TestData.Fixture("formats/formats.json")))!["cases"]![file]!;
        var image = ImageToTensor.Decode(File.ReadAllBytes(TestData.Fixture("formats/" + file)), file);
        Assert.Equal(((int)expected["width"]!, (int)expected["height"]!, (int)expected["channels"]!), (image.Width, image.Height, image.Channels));
        var want = expected["pixels"]!.AsArray().Select(v => (int)v!).ToArray();
        int worst = want.Select((v, i) => Math.Abs(v - image.Pixels[i])).Max();
        double mean = want.Select((v, i) => (double)Math.Abs(v - image.Pixels[i])).Average();
        if (lossless) Assert.Equal(0, worst);
        else Assert.True(worst <= 4 && mean <= 1, $"{file}: largest difference from Pillow {worst}, mean {mean:F2}");
    }

    [Fact]
    public void TheExifOrientationDecidesTheShownSize()
    {
        var bytes = File.ReadAllBytes(TestData.Fixture("formats/rotated.jpg"));
        Assert.Equal((16L, 24L), ImageToTensor.ReadSize(bytes, "rotated.jpg")); // stored 24x16, shown rotated
    }

    [Fact]
    public void AHugeDeclaredSizeIsRefusedBeforeDecoding()
    {
        var png = PngEncoder.Encode(new PngImage(4, 4, 1, new byte[16]));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 100_000);
        var e = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(png, "huge.png"));
        Assert.Contains("huge.png is 100000x100000 (10,000,000,000 pixels), more than the 40,000,000 allowed", e.Message);
    }

    [Fact]
    public void TruncatedFilesAreNamedAsTruncated()
    {
        var png = PngEncoder.Encode(new PngImage(8, 8, 3, [.. Enumerable.Range(0, 192).Select(i => (byte)i)]));
        var e = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(png[..^20], "cut.png"));
        Assert.Contains("cut.png is truncated", e.Message);
        var jpeg = File.ReadAllBytes(TestData.Fixture("formats/progressive.jpg"));
        Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(jpeg[..(jpeg.Length / 2)], "cut.jpg"));
    }

    [Fact]
    public void OrientationMapsEveryStoredPixelOnce()
    {
        // 3x2 image with distinct pixels; each EXIF origin is checked against its definition on one corner.
        var image = new PngImage(3, 2, 1, [0, 1, 2, 3, 4, 5]);
        Assert.Equal(new byte[] { 2, 1, 0, 5, 4, 3 }, SkiaImageDecoder.Orient(image, SkiaSharp.SKEncodedOrigin.TopRight).Pixels);
        Assert.Equal(new byte[] { 5, 4, 3, 2, 1, 0 }, SkiaImageDecoder.Orient(image, SkiaSharp.SKEncodedOrigin.BottomRight).Pixels);
        var rotated = SkiaImageDecoder.Orient(image, SkiaSharp.SKEncodedOrigin.RightTop); // 90° clockwise: 2x3
        Assert.Equal((2, 3), (rotated.Width, rotated.Height));
        Assert.Equal(new byte[] { 3, 0, 4, 1, 5, 2 }, rotated.Pixels);
        var back = SkiaImageDecoder.Orient(image, SkiaSharp.SKEncodedOrigin.LeftBottom); // 90° counter-clockwise
        Assert.Equal(new byte[] { 2, 5, 1, 4, 0, 3 }, back.Pixels);
    }
}
