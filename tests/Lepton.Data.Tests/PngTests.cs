using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Data.Images;
using Lepton.Engine;

namespace Lepton.Data.Tests;

/// <summary>
/// The image path (SkiaSharp) decodes PNGs made by tools/fixtures/data_png.py (each filter, color type, bit depth, Adam7) and
/// refuses broken ones by name; <see cref="PngEncoder"/> writes what it reads back.
/// </summary>
public class PngTests
{
    private static readonly JsonElement[] Cases = LoadCases();

    private static JsonElement[] LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Fixture("png/png_expected.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    public static TheoryData<string> Files() => new(Cases.Select(c => c.GetProperty("file").GetString()!));

    [Theory]
    [MemberData(nameof(Files))]
    public void DecodesFixtureToExpectedPixels(string file)
    {
        var expected = Cases.Single(c => c.GetProperty("file").GetString() == file);
        var image = ImageToTensor.Decode(File.ReadAllBytes(TestData.Fixture("png/" + file)), file);
        Assert.Equal(expected.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), image.Height);
        int channels = expected.GetProperty("channels").GetInt32();
        var want = expected.GetProperty("samples").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var got = Stored(image, channels);
        Assert.Equal(want.Length, got.Length);
        // PIL keeps the high byte of 16-bit samples; Skia rounds v*255/65535, one step apart at most.
        int tolerance = file.Contains("16", StringComparison.Ordinal) ? 1 : 0;
        int worst = want.Select((v, i) => Math.Abs(v - got[i])).Max();
        Assert.True(worst <= tolerance, $"{file}: largest difference from PIL {worst}");
    }

    [Fact]
    public void ToTensorIsChannelsFirst()
    {
        var image = new PngImage(2, 1, 3, [1, 2, 3, 4, 5, 6]);
        var t = image.ToTensor();
        Assert.Equal(new Shape(3, 1, 2), t.Shape);
        Assert.Equal(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, t.ToArray());
        Assert.Equal(new byte[] { 2, 5 }, image.ToGrayscale().Pixels);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EncoderRoundTrips(int channels)
    {
        var pixels = Enumerable.Range(0, 5 * 3 * channels).Select(i => (byte)(i * 37)).ToArray();
        var image = new PngImage(5, 3, channels, pixels);
        var back = ImageToTensor.Decode(PngEncoder.Encode(image), "round.png");
        Assert.Equal(image.Pixels, Stored(back, channels));
        Assert.Equal((5, 3), (back.Width, back.Height));
    }

    [Fact]
    public void EncoderTakesTensorsInZeroTo255()
    {
        var t = Tensor.FromArray(new float[] { -3f, 0.4f, 127.6f, 300f }, 2, 2);
        Assert.Equal(new byte[] { 0, 0, 128, 255 }, ImageToTensor.Decode(PngEncoder.Encode(t), "t.png").Pixels);
    }

    [Fact]
    public void CorruptCrcIsRejected()
    {
        var bytes = File.ReadAllBytes(TestData.Fixture("png/gray8_none.png"));
        bytes[20] ^= 1; // inside the IHDR width field
        var ex = Assert.ThrowsAny<Exception>(() => ImageToTensor.Decode(bytes, "bad.png"));
        Assert.True(ex is InvalidDataException, ex.ToString());
        Assert.Contains("bad.png", ex.Message);
    }

    [Fact]
    public void TruncatedFilesAreRejected()
    {
        var bytes = File.ReadAllBytes(TestData.Fixture("png/rgb8_paeth.png"));
        foreach (int keep in new[] { 4, 8, 30, bytes.Length - 12, bytes.Length - 1 })
        {
            var ex = Assert.ThrowsAny<Exception>(() => ImageToTensor.Decode(bytes.AsSpan(0, keep), "cut.png"));
            Assert.True(ex is InvalidDataException or NotSupportedException, ex.ToString());
            Assert.StartsWith("cut.png ", ex.Message);
        }
    }

    [Fact]
    public void ShortImageDataIsTruncation()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(Build(4, 4, 0, 8, new byte[3 * 5]), "short.png"));
        Assert.StartsWith("short.png is truncated", ex.Message);
    }

    [Fact]
    public void OversizedImagesAreRejectedBeforeDecoding()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(Build(100_000, 100_000, 2, 8, [0]), "huge.png"));
        Assert.Contains("huge.png is 100000x100000 (10,000,000,000 pixels), more than", ex.Message);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(2, 4)]
    [InlineData(5, 8)]
    public void InvalidHeadersAreRejected(int color, int depth)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(Build(2, 2, color, depth, new byte[6]), "h.png"));
        Assert.StartsWith("h.png ", ex.Message);
    }

    [Fact]
    public void UnknownFilterTypeIsRejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(Build(2, 1, 0, 8, [7, 1, 2]), "f.png"));
        Assert.StartsWith("f.png ", ex.Message);
    }

    [Fact]
    public void PaletteImagesNeedPlte()
    {
        Assert.StartsWith("p.png ", Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(Build(1, 1, 3, 8, [0, 0]), "p.png")).Message);
    }

    [Fact]
    public void NonPngIsRejected()
    {
        Assert.StartsWith("x.gif is not an image Lepton reads",
            Assert.Throws<NotSupportedException>(() => ImageToTensor.Decode("GIFXXa....."u8, "x.gif")).Message);
    }

    /// <summary>
    /// The decoded samples in the file's stored layout: the image path gives gray+alpha as RGBA (or RGB when opaque), the
    /// fixtures keep the gray and alpha samples.
    /// </summary>
    private static byte[] Stored(PngImage image, int channels)
    {
        if (channels != 2 || image.Channels == 2) return image.Pixels;
        var result = new byte[image.Width * image.Height * 2];
        for (int p = 0; p < image.Width * image.Height; p++)
        {
            result[2 * p] = image.Pixels[p * image.Channels];
            result[2 * p + 1] = image.Channels == 4 ? image.Pixels[p * 4 + 3] : (byte)255;
        }
        return result;
    }

    /// <summary>A PNG with the given header and raw (already filtered) scanline bytes.</summary>
    private static byte[] Build(int width, int height, int color, int depth, byte[] scanlines)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)color;
        Chunk(ms, "IHDR", ihdr);
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true)) zs.Write(scanlines);
        Chunk(ms, "IDAT", z.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        s.Write(typeBytes);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, BitwiseCrc32([.. typeBytes, .. data]));
        s.Write(word);
    }

    /// <summary>Bit-at-a-time CRC-32, an independent twin of the decoder's table-driven one.</summary>
    private static uint BitwiseCrc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
