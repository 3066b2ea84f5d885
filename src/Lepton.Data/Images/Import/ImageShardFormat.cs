using System.Buffers.Binary;

namespace Lepton.Data.Images.Import;

/// <summary>
/// The pixel shard file: a 32-byte little-endian header, then <see cref="Header.Count"/> images of
/// width x height x channels bytes each, (H,W,C) row-major, back to back, so image <c>slot</c> starts at
/// <c>32 + slot * imageBytes</c> and can be read with one positioned read.
/// <code>
/// offset 0  magic "LPXS"       offset 4  version (uint32, 1)   offset 8  count (uint32)
/// offset 12 width (uint32)     offset 16 height (uint32)       offset 20 channels (uint32)   offset 24 reserved (8 zero bytes)
/// </code>
/// </summary>
public static class ImageShardFormat
{
    public const int HeaderBytes = 32;
    public const int Version = 1;

    /// <summary>The shard size an import aims for: large enough for sequential reads, small enough to store and fetch one at a time.</summary>
    public const int TargetBytes = 32 << 20;

    private static ReadOnlySpan<byte> Magic => "LPXS"u8;

    /// <summary>The fields of a shard header.</summary>
    public readonly record struct Header(int Count, int Width, int Height, int Channels)
    {
        public int ImageBytes => Width * Height * Channels;
    }

    public static void Write(Span<byte> destination, Header header)
    {
        destination[..HeaderBytes].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)header.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)header.Width);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], (uint)header.Height);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], (uint)header.Channels);
    }

    /// <summary>Reads and checks a header against the file's length; anything else is an error naming the shard.</summary>
    public static Header Read(ReadOnlySpan<byte> source, long fileLength, string name)
    {
        if (source.Length < HeaderBytes || !source.StartsWith(Magic))
            throw new InvalidDataException($"{name} is not a Lepton pixel shard (no LPXS header).");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(source[4..]);
        if (version != Version) throw new InvalidDataException($"{name} is a pixel shard of version {version}, expected {Version}; upgrade Lepton to read it.");
        var h = new Header((int)BinaryPrimitives.ReadUInt32LittleEndian(source[8..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(source[16..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(source[20..]));
        if (h.Count < 0 || h.Width < 1 || h.Height < 1 || h.Channels is not (1 or 3) || HeaderBytes + (long)h.Count * h.ImageBytes != fileLength)
            throw new InvalidDataException($"{name} has a damaged header ({h.Count} images of {h.Width}x{h.Height}x{h.Channels} in {fileLength:N0} bytes).");
        return h;
    }
}
