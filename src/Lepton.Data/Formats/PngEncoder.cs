using System.Buffers.Binary;
using System.IO.Compression;
using Lepton.Engine;

namespace Lepton.Data.Formats;

/// <summary>Writes 8-bit PNGs (gray, gray+alpha, RGB, RGBA), filter None, zlib-compressed, in one IDAT chunk.</summary>
public static class PngEncoder
{
    public static byte[] Encode(PngImage image)
    {
        if (image.Channels is < 1 or > 4)
            throw new ArgumentException($"PngEncoder: images need 1-4 channels, got {image.Channels}.");
        if (image.Width <= 0 || image.Height <= 0 || image.Pixels.Length != (long)image.Width * image.Height * image.Channels)
            throw new ArgumentException(
                $"PngEncoder: {image.Width}x{image.Height}x{image.Channels} needs {(long)image.Width * image.Height * image.Channels} samples, got {image.Pixels.Length}.");
        var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), image.Height);
        ihdr[8] = 8;
        ihdr[9] = image.Channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        WriteChunk(output, "IHDR"u8, ihdr);

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            int stride = image.Width * image.Channels;
            for (int y = 0; y < image.Height; y++)
            {
                z.WriteByte(0);
                z.Write(image.Pixels, y * stride, stride);
            }
        }
        WriteChunk(output, "IDAT"u8, compressed.ToArray());
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    /// <summary>Encodes a (C,H,W) or (H,W) tensor of values in [0,255].</summary>
    public static byte[] Encode(Tensor image) => Encode(PngImage.FromTensor(image));

    public static void Write(string path, PngImage image) => File.WriteAllBytes(path, Encode(image));

    public static void Write(string path, Tensor image) => File.WriteAllBytes(path, Encode(image));

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        s.Write(type);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(type), data));
        s.Write(word);
    }
}
