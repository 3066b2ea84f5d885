namespace Lepton.Data.Formats;

/// <summary>The IHDR fields of a PNG, validated: color type, bit depth and interlace method.</summary>
internal sealed record PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    /// <summary>Samples per pixel as stored (palette images store one index).</summary>
    public int StoredChannels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

    /// <summary>Channels of the decoded image (palette expands to RGB).</summary>
    public int OutputChannels => ColorType == 3 ? 3 : StoredChannels;

    /// <summary>Bytes per complete pixel, at least 1: the distance the Sub/Average/Paeth filters look back.</summary>
    public int FilterStride => Math.Max(1, StoredChannels * BitDepth / 8);

    public long RowBytes(int width) => ((long)width * StoredChannels * BitDepth + 7) / 8;

    public static PngHeader Parse(ReadOnlySpan<byte> d, string name, long maxPixels)
    {
        if (d.Length != 13)
            throw new InvalidDataException($"{name}: IHDR chunk must be 13 bytes, got {d.Length}.");
        long width = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(d);
        long height = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        int depth = d[8], color = d[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw new InvalidDataException($"{name}: invalid image size {width}x{height}.");
        if (width * height > maxPixels)
            throw new InvalidDataException($"{name}: image is {width}x{height} = {width * height:N0} pixels, above the limit of {maxPixels:N0}; resize it first.");
        bool depthOk = color switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!depthOk)
            throw new InvalidDataException($"{name}: color type {color} with bit depth {depth} is not a valid PNG combination.");
        if (d[10] != 0 || d[11] != 0)
            throw new InvalidDataException($"{name}: unknown compression method {d[10]} or filter method {d[11]} (PNG defines only 0).");
        if (d[12] > 1)
            throw new InvalidDataException($"{name}: unknown interlace method {d[12]} (PNG defines 0 none and 1 Adam7).");
        return new PngHeader((int)width, (int)height, depth, color, d[12] == 1);
    }
}
