using System.Buffers.Binary;

namespace Lepton.Data.Formats;

/// <summary>
/// JPEG decoder for sequential Huffman-coded files (baseline SOF0 and extended SOF1, 8-bit): gray and YCbCr
/// (any sampling, with libjpeg-style fancy upsampling for 4:2:2, 4:4:0 and 4:2:0), restart intervals, interleaved
/// and single-component scans. Progressive, lossless, hierarchical, arithmetic-coded, 12-bit and CMYK files are
/// refused with a message saying so. <see cref="ReadHeader(ReadOnlySpan{byte}, string)"/> reads the size without
/// decoding, so callers can reject huge images before any pixel memory is allocated.
/// </summary>
public static class Jpeg
{
    /// <summary>Largest image accepted, in pixels (64 megapixels), as for PNG.</summary>
    public const long MaxPixels = Png.MaxPixels;

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

    public static PngImage Decode(string path) => Decode(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Decodes a whole JPEG file into 8-bit gray (1 channel) or RGB (3 channels) pixels; <paramref name="name"/> prefixes error messages.</summary>
    public static PngImage Decode(ReadOnlySpan<byte> data, string name = "JPEG data", long maxPixels = MaxPixels)
    {
        CheckSignature(data, name);
        var bytes = data.ToArray();
        var quant = new ushort[]?[4];
        var dc = new JpegHuffmanTable?[4];
        var ac = new JpegHuffmanTable?[4];
        JpegFrame? frame = null;
        int restartInterval = 0, pos = 2;
        int? adobeTransform = null;
        while (true)
        {
            if (pos >= bytes.Length && frame is not null && frame.Components.All(c => c.Decoded)) break; // complete image, EOI missing
            int marker = NextMarker(bytes, ref pos, name);
            if (marker == 0xD9) break;
            if (marker is >= 0xD0 and <= 0xD7) continue; // a stray restart marker carries no data
            var segment = Segment(bytes, ref pos, marker, name);
            switch (marker)
            {
                case 0xDB:
                    ParseQuantization(segment, quant, name);
                    break;
                case 0xC4:
                    ParseHuffman(segment, dc, ac, name);
                    break;
                case 0xDD:
                    if (segment.Length != 2) throw new InvalidDataException($"{name}: corrupt: DRI segment must be 2 bytes, got {segment.Length}.");
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xEE when segment.Length >= 12 && segment.StartsWith("Adobe"u8):
                    adobeTransform = segment[11];
                    break;
                case 0xDA:
                    if (frame is null) throw new InvalidDataException($"{name}: corrupt: a scan (SOS) comes before the frame header (SOF).");
                    var scan = ParseScan(segment, frame, name);
                    pos = JpegScanDecoder.Decode(bytes, pos, name, frame, scan, dc, ac, quant, restartInterval);
                    break;
                default:
                    if (!IsFrameMarker(marker)) break; // APPn, COM and other segments carry nothing we need
                    if (frame is not null) throw new InvalidDataException($"{name}: corrupt: more than one frame header (SOF).");
                    frame = ParseFrame(segment, marker, name, maxPixels);
                    break;
            }
        }
        if (frame is null) throw new InvalidDataException($"{name}: corrupt: the file has no frame header (SOF) and so no image.");
        if (frame.Components.FirstOrDefault(c => !c.Decoded) is { } missing)
            throw new InvalidDataException($"{name}: truncated: no scan carried the data of component {missing.Id}.");
        bool rgbStored = adobeTransform == 0 || frame.Components is [{ Id: 'R' }, { Id: 'G' }, { Id: 'B' }];
        return JpegColor.ToImage(frame, rgbStored && adobeTransform != 1);
    }

    private static void CheckSignature(ReadOnlySpan<byte> data, string name)
    {
        if (!IsJpeg(data)) throw new InvalidDataException($"{name}: not a JPEG file (it does not start with the SOI marker FF D8 FF).");
    }

    private static bool IsFrameMarker(int marker) => marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;

    /// <summary>Steps to the next marker (skipping fill bytes) and returns its code; pos ends just after the marker.</summary>
    private static int NextMarker(ReadOnlySpan<byte> data, ref int pos, string name)
    {
        while (pos < data.Length && data[pos] != 0xFF) pos++; // garbage between segments is tolerated, as libjpeg does
        while (pos < data.Length && data[pos] == 0xFF) pos++;
        if (pos >= data.Length) throw new InvalidDataException($"{name}: truncated: the file ends at byte {data.Length} before the end-of-image marker.");
        return data[pos++];
    }

    /// <summary>The body of the segment that starts at pos (after its marker); pos ends after it.</summary>
    private static ReadOnlySpan<byte> Segment(ReadOnlySpan<byte> data, ref int pos, int marker, string name)
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

    private static JpegFrame ParseFrame(ReadOnlySpan<byte> s, int marker, string name, long maxPixels)
    {
        var header = ParseHeader(s, marker, name);
        switch (header.Process)
        {
            case JpegProcess.Progressive:
                throw new InvalidDataException($"{name}: progressive JPEG is not supported; re-save the image as baseline JPEG or PNG.");
            case JpegProcess.Baseline or JpegProcess.ExtendedSequential:
                break;
            default:
                throw new InvalidDataException($"{name}: {header.Process.ToString().ToLowerInvariant()} JPEG is not supported; re-save the image as baseline JPEG or PNG.");
        }
        if (header.Precision != 8)
            throw new InvalidDataException($"{name}: {header.Precision}-bit JPEG is not supported (only 8-bit samples); re-save the image as 8-bit.");
        if (header.Components is not (1 or 3))
            throw new InvalidDataException(header.Components == 4
                ? $"{name}: CMYK JPEG is not supported; convert the image to RGB."
                : $"{name}: corrupt: a frame with {header.Components} components (gray has 1, colour 3).");
        if (s.Length != 6 + 3 * header.Components)
            throw new InvalidDataException($"{name}: corrupt: the frame header is {s.Length} bytes, expected {6 + 3 * header.Components}.");
        if (header.PixelCount > maxPixels)
            throw new InvalidDataException($"{name}: image is {header.Width}x{header.Height} = {header.PixelCount:N0} pixels, above the limit of {maxPixels:N0}; resize it first.");
        var components = new JpegComponent[header.Components];
        for (int i = 0; i < components.Length; i++)
        {
            int id = s[6 + 3 * i], h = s[7 + 3 * i] >> 4, v = s[7 + 3 * i] & 15, tq = s[8 + 3 * i];
            if (h is < 1 or > 4 || v is < 1 or > 4 || tq > 3)
                throw new InvalidDataException($"{name}: corrupt: component {id} has sampling {h}x{v} / quantization table {tq} (allowed 1..4 and 0..3).");
            if (components.Take(i).Any(c => c.Id == id)) throw new InvalidDataException($"{name}: corrupt: component id {id} appears twice in the frame header.");
            components[i] = new JpegComponent(id, h, v, tq);
        }
        var frame = new JpegFrame(header.Width, header.Height, header.Precision, components);
        if (frame.PlaneBytes > 4 * maxPixels)
            throw new InvalidDataException($"{name}: the sampling factors need {frame.PlaneBytes:N0} bytes of sample planes, above the limit; re-save the image with standard subsampling.");
        frame.AllocatePlanes();
        return frame;
    }

    private static void ParseQuantization(ReadOnlySpan<byte> s, ushort[]?[] tables, string name)
    {
        while (s.Length > 0)
        {
            int precision = s[0] >> 4, id = s[0] & 15, size = precision == 0 ? 64 : 128;
            if (precision > 1 || id > 3 || s.Length < 1 + size)
                throw new InvalidDataException($"{name}: corrupt DQT segment (table {id}, precision {precision}, {s.Length - 1} bytes left).");
            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
                table[k] = precision == 0 ? s[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(1 + 2 * k)..]);
            tables[id] = table;
            s = s[(1 + size)..];
        }
    }

    private static void ParseHuffman(ReadOnlySpan<byte> s, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, string name)
    {
        while (s.Length > 0)
        {
            if (s.Length < 17) throw new InvalidDataException($"{name}: corrupt DHT segment: {s.Length} bytes left, a table needs at least 17.");
            int kind = s[0] >> 4, id = s[0] & 15, count = 0;
            for (int i = 1; i <= 16; i++) count += s[i];
            if (kind > 1 || id > 3 || count > 256 || s.Length < 17 + count)
                throw new InvalidDataException($"{name}: corrupt DHT segment (class {kind}, table {id}, {count} symbols).");
            var table = new JpegHuffmanTable(s.Slice(1, 16), s.Slice(17, count), name);
            (kind == 0 ? dc : ac)[id] = table;
            s = s[(17 + count)..];
        }
    }

    private static JpegComponent[] ParseScan(ReadOnlySpan<byte> s, JpegFrame frame, string name)
    {
        int count = s.Length > 0 ? s[0] : 0;
        if (count is < 1 or > 4 || s.Length != 4 + 2 * count)
            throw new InvalidDataException($"{name}: corrupt: scan header (SOS) of {s.Length} bytes for {count} components.");
        var scan = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int id = s[1 + 2 * i], tables = s[2 + 2 * i];
            var component = frame.Components.FirstOrDefault(c => c.Id == id)
                ?? throw new InvalidDataException($"{name}: corrupt: the scan names component {id}, which the frame does not have.");
            component.DcTable = tables >> 4;
            component.AcTable = tables & 15;
            if (component.DcTable > 3 || component.AcTable > 3)
                throw new InvalidDataException($"{name}: corrupt: component {id} selects Huffman tables {component.DcTable}/{component.AcTable} (allowed 0..3).");
            scan[i] = component;
        }
        if (count > 1 && scan.Sum(c => c.H * c.V) > 10)
            throw new InvalidDataException($"{name}: corrupt: an interleaved scan with more than 10 blocks per MCU.");
        int ss = s[1 + 2 * count], se = s[2 + 2 * count], approximation = s[3 + 2 * count];
        if (ss != 0 || se != 63 || approximation != 0)
            throw new InvalidDataException($"{name}: corrupt: a sequential scan must cover coefficients 0..63 without approximation, got {ss}..{se}/{approximation}.");
        return scan;
    }
}
