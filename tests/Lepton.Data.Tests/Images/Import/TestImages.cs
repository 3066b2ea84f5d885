using System.Buffers.Binary;
using SkiaSharp;

namespace Lepton.Data.Tests.Images.Import;

/// <summary>
/// Small image files made by the tests with SkiaSharp (JPEG, PNG, WebP; gray or colour, any size, seeded content) and
/// hostile files made byte by byte. Shared by the Data, Registry and CLI tests (linked into their projects).
/// </summary>
internal static class TestImages
{
    public enum Kind { Jpeg, Png, Webp }

    /// <summary>Writes a w x h image with seeded smooth content plus noise; gray images use one channel.</summary>
    public static string Write(string path, int width, int height, int seed, Kind kind = Kind.Png, bool gray = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Encode(width, height, seed, kind, gray));
        return path;
    }

    public static byte[] Encode(int width, int height, int seed, Kind kind = Kind.Png, bool gray = false)
    {
        var rng = new Random(seed);
        var info = new SKImageInfo(width, height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        int bpp = gray ? 1 : 4;
        var pixels = new byte[width * height * bpp];
        int r0 = rng.Next(256), g0 = rng.Next(256), b0 = rng.Next(256);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int o = (y * width + x) * bpp;
                int n = rng.Next(32);
                pixels[o] = (byte)((r0 + x * 7 + n) & 255);
                if (gray) continue;
                pixels[o + 1] = (byte)((g0 + y * 5 + n) & 255);
                pixels[o + 2] = (byte)((b0 + (x ^ y) * 3) & 255);
                pixels[o + 3] = 255;
            }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        var format = kind switch { Kind.Jpeg => SKEncodedImageFormat.Jpeg, Kind.Webp => SKEncodedImageFormat.Webp, _ => SKEncodedImageFormat.Png };
        using var data = image.Encode(format, kind == Kind.Webp ? 100 : 90);
        return data.ToArray();
    }

    /// <summary>A valid PNG signature and IHDR declaring <paramref name="width"/> x <paramref name="height"/>, with a tiny body and IEND.</summary>
    public static byte[] PngHeader(uint width, uint height)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
        s.Write(len);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32Png(typed));
        s.Write(len);
    }

    private static uint Crc32Png(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    public static string TempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lepton-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
