using System.Buffers.Binary;

namespace Lepton.Data.Formats;

/// <summary>
/// Reads what a JPEG's frame header declares (size, components, coding process) by walking its markers, without
/// decoding pixels, so callers can refuse a huge image before the codec (SkiaSharp) allocates anything.
/// </summary>
public static class Jpeg
{
    /// <summary>True when the bytes start like a JPEG file (SOI followed by another marker).</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    public static JpegHeader ReadHeader(string path) => ReadHeader(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Reads the frame header (size, components, process) by walking the markers up to the SOF segment; decodes no pixels.</summary>
    public static JpegHeader ReadHeader(ReadOnlySpan<byte> data, string name = "JPEG data")
    {
        CheckSignature(data, name);
        int pos = 2;
        while (true)
        {
            int marker = NextMarker(data, ref pos, name);
            if (marker is 0xD9 or 0xDA)
                throw new InvalidDataException($"{name}: corrupt: no frame header (SOF) before {(marker == 0xD9 ? "the end of the image" : "the first scan")}.");
            var segment = Segment(data, ref pos, marker, name);
            if (IsFrameMarker(marker)) return ParseHeader(segment, marker, name);
        }
    }

    private static void CheckSignature(ReadOnlySpan<byte> data, string name)
    {
        if (!IsJpeg(data)) throw new InvalidDataException($"{name}: not a JPEG file (it does not start with the SOI marker FF D8 FF).");
    }

    private static bool IsFrameMarker(int marker) => marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;

    /// <summary>Steps to the next marker (skipping fill bytes) and returns its code; pos ends just after the marker.</summary>
    internal static int NextMarker(ReadOnlySpan<byte> data, ref int pos, string name)
    {
        while (pos < data.Length && data[pos] != 0xFF) pos++; // garbage between segments is tolerated, as libjpeg does
        while (pos < data.Length && data[pos] == 0xFF) pos++;
        if (pos >= data.Length) throw new InvalidDataException($"{name}: truncated: the file ends at byte {data.Length} before the end-of-image marker.");
        return data[pos++];
    }

    /// <summary>The body of the segment that starts at pos (after its marker); pos ends after it.</summary>
    internal static ReadOnlySpan<byte> Segment(ReadOnlySpan<byte> data, ref int pos, int marker, string name)
    {
        if (data.Length - pos < 2) throw new InvalidDataException($"{name}: truncated: the file ends inside the 0xFF{marker:X2} segment header.");
        int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
        if (length < 2) throw new InvalidDataException($"{name}: corrupt: segment 0xFF{marker:X2} at byte {pos} declares length {length}.");
        if (length > data.Length - pos)
            throw new InvalidDataException($"{name}: truncated: segment 0xFF{marker:X2} at byte {pos} declares {length} bytes, the file has {data.Length - pos} left.");
        var body = data.Slice(pos + 2, length - 2);
        pos += length;
        return body;
    }

    private static JpegProcess ProcessOf(int marker) => marker switch
    {
        0xC0 => JpegProcess.Baseline,
        0xC1 => JpegProcess.ExtendedSequential,
        0xC2 => JpegProcess.Progressive,
        0xC3 => JpegProcess.Lossless,
        0xC5 or 0xC6 or 0xC7 => JpegProcess.Hierarchical,
        _ => JpegProcess.Arithmetic,
    };

    private static JpegHeader ParseHeader(ReadOnlySpan<byte> s, int marker, string name)
    {
        if (s.Length < 6) throw new InvalidDataException($"{name}: corrupt: the frame header is {s.Length} bytes, too short.");
        int height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]), width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
        if (width == 0 || height == 0)
            throw new InvalidDataException($"{name}: invalid image size {width}x{height} (a height defined later by a DNL marker is not supported).");
        return new JpegHeader(width, height, s[5], s[0], ProcessOf(marker));
    }
}
