using System.Diagnostics;
using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Data.Images;

namespace Lepton.Data.Tests;

/// <summary>
/// Decodes JPEGs made by tools/fixtures/data_jpeg.py (PIL and cjpeg: gray, 4:4:4, 4:2:2, 4:4:0, 4:2:0, restart
/// intervals, optimized tables, non-interleaved scans, progressive) through the image path (SkiaSharp) and compares every
/// sample with PIL's decode; our own header reader sees the declared size without decoding.
/// </summary>
public class JpegTests
{
    // Skia and PIL both decode with libjpeg-turbo, but may pick different IDCT and upsampling methods.
    private const int Tolerance = 4;

    private static readonly JsonElement Root = LoadRoot();

    private static JsonElement LoadRoot()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Fixture("jpeg/jpeg_expected.json")));
        return doc.RootElement.Clone();
    }

    private static JsonElement Case(string file) => Root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("file").GetString() == file);

    private static byte[] Bytes(string file) => File.ReadAllBytes(TestData.Fixture("jpeg/" + file));

    public static TheoryData<string> Files() => new(Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("file").GetString()!));

    [Theory]
    [MemberData(nameof(Files))]
    public void Decodes_fixture_within_tolerance_of_pil(string file)
    {
        var expected = Case(file);
        var image = ImageToTensor.Decode(Bytes(file), file);
        Assert.Equal(expected.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), image.Height);
        Assert.Equal(expected.GetProperty("channels").GetInt32(), image.Channels);
        var want = expected.GetProperty("pixels").EnumerateArray().Select(p => p.GetInt32()).ToArray();
        Assert.Equal(want.Length, image.Pixels.Length);
        int worst = 0, at = 0;
        double total = 0;
        for (int i = 0; i < want.Length; i++)
        {
            int diff = Math.Abs(want[i] - image.Pixels[i]);
            total += diff;
            if (diff > worst) (worst, at) = (diff, i);
        }
        Assert.True(worst <= Tolerance, $"{file}: max abs difference {worst} at sample {at} (pixel {at / image.Channels}), mean {total / want.Length:F3}");
        Assert.True(total / want.Length < 1, $"{file}: mean abs difference {total / want.Length:F3} is too high for an IDCT rounding difference");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Header_matches_the_decoded_size(string file)
    {
        var header = Jpeg.ReadHeader(Bytes(file));
        var expected = Case(file);
        Assert.Equal((expected.GetProperty("width").GetInt32(), expected.GetProperty("height").GetInt32(), expected.GetProperty("channels").GetInt32(), 8),
            (header.Width, header.Height, header.Components, header.Precision));
        Assert.True(Jpeg.IsJpeg(Bytes(file)));
    }

    [Fact]
    public void Progressive_files_report_their_header_and_decode()
    {
        var entry = Root.GetProperty("unsupported").EnumerateArray().Single();
        var bytes = Bytes(entry.GetProperty("file").GetString()!);
        var header = Jpeg.ReadHeader(bytes);
        Assert.Equal((JpegProcess.Progressive, 16, 16), (header.Process, header.Width, header.Height));
        var image = ImageToTensor.Decode(bytes, "upload.jpg");
        Assert.Equal((16, 16), (image.Width, image.Height));
    }

    [Fact]
    public void A_huge_declared_size_is_read_from_the_header_and_refused_before_allocation()
    {
        var bytes = Bytes("rgb420_33x17.jpg");
        int sof = IndexOfMarker(bytes, 0xC0);
        bytes[sof + 5] = 0xFF; bytes[sof + 6] = 0xFF; // height 65535
        bytes[sof + 7] = 0xFF; bytes[sof + 8] = 0xFF; // width 65535
        var header = Jpeg.ReadHeader(bytes);
        Assert.Equal((65535, 65535), (header.Width, header.Height));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(bytes, "big.jpg"));
        Assert.Contains("more than the 40,000,000 allowed", error.Message);
        Assert.True(watch.ElapsedMilliseconds < 100, $"took {watch.ElapsedMilliseconds} ms");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "pixel memory was allocated before the size check");
    }

    [Theory]
    [InlineData("rgb420_opt_64x48.jpg", 0.5)]
    [InlineData("rgb420_opt_64x48.jpg", 0.9)]
    [InlineData("restart_420_40x24.jpg", 0.6)]
    [InlineData("gray_17x11.jpg", 0.3)]
    public void Truncated_files_are_refused_with_a_clear_message(string file, double keep)
    {
        var bytes = Bytes(file);
        var cut = bytes.AsSpan(0, (int)(bytes.Length * keep)).ToArray();
        var error = Assert.Throws<InvalidDataException>(() => ImageToTensor.Decode(cut, "cut.jpg"));
        Assert.StartsWith("cut.jpg is truncated", error.Message);
    }

    [Fact]
    public void Every_prefix_of_a_file_fails_cleanly_or_decodes()
    {
        var bytes = Bytes("restart_420_40x24.jpg");
        for (int length = 0; length < bytes.Length; length++)
        {
            try
            {
                ImageToTensor.Decode(bytes.AsSpan(0, length), "p.jpg");
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
            }
        }
    }

    [Fact]
    public void Corrupted_bytes_never_escape_as_anything_but_a_named_refusal()
    {
        var original = Bytes("rgb420_opt_64x48.jpg");
        var random = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])original.Clone();
            for (int flips = 0; flips < 4; flips++) bytes[random.Next(2, bytes.Length)] = (byte)random.Next(256);
            try
            {
                var image = ImageToTensor.Decode(bytes, "x.jpg");
                Assert.Equal(image.Width * image.Height * image.Channels, image.Pixels.Length);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
            }
        }
    }

    [Fact]
    public void Non_jpeg_data_is_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => Jpeg.ReadHeader("\x89PNG\r\n"u8.ToArray(), "a.png"));
        Assert.Equal("a.png: not a JPEG file (it does not start with the SOI marker FF D8 FF).", error.Message);
        Assert.False(Jpeg.IsJpeg([0xFF, 0xD8]));
        Assert.Throws<InvalidDataException>(() => Jpeg.ReadHeader([0xFF, 0xD8, 0xFF, 0xD9]));
    }

    [Fact]
    public void Decoded_gray_and_colour_images_convert_to_tensors_like_png_images()
    {
        var gray = ImageToTensor.Decode(Bytes("gray_17x11.jpg"), "gray.jpg");
        Assert.Equal([1, 11, 17], gray.ToTensor().Shape.ToArray());
        var colour = ImageToTensor.Decode(Bytes("rgb444_19x13.jpg"), "colour.jpg");
        Assert.Equal([3, 13, 19], colour.ToTensor().Shape.ToArray());
        Assert.Equal(1, colour.ToGrayscale().Channels);
    }

    private static int IndexOfMarker(byte[] bytes, byte marker)
    {
        for (int i = 0; i + 1 < bytes.Length; i++)
            if (bytes[i] == 0xFF && bytes[i + 1] == marker) return i;
        throw new InvalidOperationException($"marker FF{marker:X2} not found");
    }
}
