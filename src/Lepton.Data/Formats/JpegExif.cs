using System.Buffers.Binary;

namespace Lepton.Data.Formats;

/// <summary>
/// The EXIF orientation (1-8, TIFF tag 0x0112) a JPEG's APP1 segment declares, read without decoding pixels. Lenient as
/// decoders are: a missing, unreadable or out-of-range orientation is 1 (as stored).
/// </summary>
public static class JpegExif
{
    /// <summary>1 (as stored) to 8; the values are those of TIFF and of SkiaSharp's <c>SKEncodedOrigin</c>.</summary>
    public static int Orientation(ReadOnlySpan<byte> jpeg)
    {
        if (!Jpeg.IsJpeg(jpeg)) return 1;
        int pos = 2;
        try
        {
            // Segments up to the first scan (APP1 comes before the frame header in practice, but any order is accepted).
            while (true)
            {
                int marker = Jpeg.NextMarker(jpeg, ref pos, "JPEG");
                if (marker is 0xDA or 0xD9) return 1;
                if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue; // markers without a length
                var body = Jpeg.Segment(jpeg, ref pos, marker, "JPEG");
                if (marker == 0xE1 && body.StartsWith("Exif\0\0"u8)) return FromTiff(body[6..]);
            }
        }
        catch (InvalidDataException)
        {
            return 1; // a cut or corrupt segment: the decoder reports the file, the orientation stays as stored
        }
    }

    // TIFF header (II or MM, 42, offset of IFD0), then IFD0's entries: tag, type, count, value.
    private static int FromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return 1;
        bool little = tiff[0] == (byte)'I' && tiff[1] == (byte)'I';
        if (!little && !(tiff[0] == (byte)'M' && tiff[1] == (byte)'M')) return 1;
        if (U16(tiff, 2, little) != 42) return 1;
        long ifd = U32(tiff, 4, little);
        if (ifd < 8 || ifd > tiff.Length - 2) return 1;
        int count = U16(tiff, (int)ifd, little);
        for (int i = 0; i < count; i++)
        {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > tiff.Length) return 1;
            if (U16(tiff, (int)entry, little) != 0x0112) continue;
            // SHORT (type 3), count 1: the value sits in the first two bytes of the value field.
            if (U16(tiff, (int)entry + 2, little) != 3) return 1;
            int value = U16(tiff, (int)entry + 8, little);
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    private static int U16(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s[at..]) : BinaryPrimitives.ReadUInt16BigEndian(s[at..]);

    private static long U32(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s[at..]) : BinaryPrimitives.ReadUInt32BigEndian(s[at..]);
}
