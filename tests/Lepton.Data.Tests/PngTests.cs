using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Data.Tests;

/// <summary>Decodes PNGs made by tools/fixtures/data_png.py (each filter, color type, bit depth, Adam7) and rejects broken ones.</summary>
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
        var image = Png.Decode(TestData.Fixture("png/" + file));
        Assert.Equal(expected.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), image.Height);
        Assert.Equal(expected.GetProperty("channels").GetInt32(), image.Channels);
        Assert.Equal(expected.GetProperty("samples").EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray(), image.Pixels);
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
        var back = Png.Decode(PngEncoder.Encode(image));
        Assert.Equal(image.Pixels, back.Pixels);
        Assert.Equal((5, 3, channels), (back.Width, back.Height, back.Channels));
    }

    [Fact]
    public void EncoderTakesTensorsInZeroTo255()
    {
        var t = Tensor.FromArray(new float[] { -3f, 0.4f, 127.6f, 300f }, 2, 2);
        Assert.Equal(new byte[] { 0, 0, 128, 255 }, Png.Decode(PngEncoder.Encode(t)).Pixels);
    }

    [Fact]
    public void CorruptCrcIsRejected()
    {
        var bytes = File.ReadAllBytes(TestData.Fixture("png/gray8_none.png"));
        bytes[20] ^= 1; // inside the IHDR width field
        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(bytes, "bad.png"));
        Assert.StartsWith("bad.png: chunk IHDR at byte 8 is corrupt (CRC", ex.Message);
    }

    [Fact]
    public void TruncatedFilesAreRejected()
    {
        var bytes = File.ReadAllBytes(TestData.Fixture("png/rgb8_paeth.png"));
        foreach (int keep in new[] { 4, 8, 30, bytes.Length - 12, bytes.Length - 1 })
        {
            var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(bytes.AsSpan(0, keep), "cut.png"));
            Assert.StartsWith("cut.png: ", ex.Message);
        }
    }

    [Fact]
    public void ShortImageDataIsTruncation()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(Build(4, 4, 0, 8, new byte[3 * 5]), "short.png"));
        Assert.Equal("short.png: truncated: image data inflates to 15 bytes, 20 expected for this size.", ex.Message);
    }

    [Fact]
    public void OversizedImagesAreRejectedBeforeDecoding()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(Build(100_000, 100_000, 2, 8, [0]), "huge.png"));
        Assert.Contains("100000x100000 = 10,000,000,000 pixels, above the limit", ex.Message);
    }

    [Theory]
    [InlineData(0, 3, "bit depth 3")]
    [InlineData(2, 4, "bit depth 4")]
    [InlineData(5, 8, "color type 5")]
    public void InvalidHeadersAreRejected(int color, int depth, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(Build(2, 2, color, depth, new byte[6]), "h.png"));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void UnknownFilterTypeIsRejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Png.Decode(Build(2, 1, 0, 8, [7, 1, 2]), "f.png"));
        Assert.Contains("unknown filter type 7", ex.Message);
    }

    [Fact]
    public void PaletteImagesNeedPlte()
    {
        Assert.Contains("without a PLTE", Assert.Throws<InvalidDataException>(() => Png.Decode(Build(1, 1, 3, 8, [0, 0]), "p.png")).Message);
    }

    [Fact]
    public void NonPngIsRejected()
    {
        Assert.Contains("not a PNG", Assert.Throws<InvalidDataException>(() => Png.Decode("GIF89a....."u8, "x.gif")).Message);
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
