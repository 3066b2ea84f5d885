using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Lepton.Data.Formats;

/// <summary>
/// PNG decoder: every color type, bit depths 1-16 (16-bit scaled to 8), Adam7, all five filters, CRC-checked
/// chunks; palette images expand to RGB. Sizes are bounded before anything is inflated.
/// </summary>
public static class Png
{
    /// <summary>Largest image accepted, in pixels (64 megapixels).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when the bytes start with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    public static PngImage Decode(string path) => Decode(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Decodes a whole PNG file; <paramref name="name"/> prefixes error messages.</summary>
    public static PngImage Decode(ReadOnlySpan<byte> data, string name = "PNG data", long maxPixels = MaxPixels)
    {
        if (!IsPng(data))
            throw new InvalidDataException($"{name}: not a PNG file (the 8-byte PNG signature is missing).");
        PngHeader? header = null;
        byte[]? palette = null;
        var compressed = new MemoryStream();
        int pos = Signature.Length;
        bool ended = false;
        while (!ended)
        {
            if (data.Length - pos < 12)
                throw new InvalidDataException($"{name}: truncated: the file ends at byte {data.Length} before the IEND chunk.");
            long length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var typeBytes = data.Slice(pos + 4, 4);
            string type = Encoding.ASCII.GetString(typeBytes);
            if (length > data.Length - pos - 12)
                throw new InvalidDataException($"{name}: truncated: chunk {type} at byte {pos} declares {length:N0} bytes, the file has {Math.Max(0, data.Length - pos - 12):N0} left.");
            var body = data.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            uint computed = Crc32.Append(Crc32.Compute(typeBytes), body);
            if (stored != computed)
                throw new InvalidDataException($"{name}: chunk {type} at byte {pos} is corrupt (CRC 0x{stored:x8} stored, 0x{computed:x8} computed).");
            pos += 12 + (int)length;

            if (header is null && type != "IHDR")
                throw new InvalidDataException($"{name}: the first chunk must be IHDR, got {type}.");
            switch (type)
            {
                case "IHDR":
                    if (header is not null) throw new InvalidDataException($"{name}: more than one IHDR chunk.");
                    header = PngHeader.Parse(body, name, maxPixels);
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768)
                        throw new InvalidDataException($"{name}: PLTE chunk must hold 1..256 RGB entries, got {length} bytes.");
                    palette = body.ToArray();
                    break;
                case "IDAT":
                    compressed.Write(body);
                    break;
                case "IEND":
                    ended = true;
                    break;
                default:
                    // Bit 5 of the first letter marks ancillary chunks (safe to skip); critical ones we do not know are fatal.
                    if ((typeBytes[0] & 0x20) == 0)
                        throw new InvalidDataException($"{name}: unknown critical chunk {type}.");
                    break;
            }
        }
        var h = header!;
        if (h.ColorType == 3 && palette is null)
            throw new InvalidDataException($"{name}: palette image (color type 3) without a PLTE chunk.");
        if (compressed.Length == 0)
            throw new InvalidDataException($"{name}: no IDAT chunk (no image data).");

        var raw = Inflate(compressed, PngScanlines.RawSize(h), name);
        return PngScanlines.Decode(h, raw, palette, name);
    }

    /// <summary>Inflates exactly <paramref name="expected"/> bytes of scanlines; less is truncation, more is corruption.</summary>
    private static byte[] Inflate(MemoryStream compressed, long expected, string name)
    {
        if (expected > Array.MaxLength)
            throw new InvalidDataException($"{name}: image data would need {expected:N0} bytes; the image is too large.");
        compressed.Position = 0;
        var raw = new byte[expected];
        try
        {
            using var z = new ZLibStream(compressed, CompressionMode.Decompress);
            int got = z.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
            if (got < expected)
                throw new InvalidDataException($"{name}: truncated: image data inflates to {got:N0} bytes, {expected:N0} expected for this size.");
            if (z.ReadByte() >= 0)
                throw new InvalidDataException($"{name}: image data inflates to more than the {expected:N0} bytes this size needs; the file is corrupt.");
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(name + ":", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: corrupt compressed image data ({ex.Message}).", ex);
        }
        return raw;
    }
}
