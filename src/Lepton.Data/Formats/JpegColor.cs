namespace Lepton.Data.Formats;

/// <summary>
/// Turns decoded component planes into interleaved pixels: chroma upsampling with libjpeg's "fancy" triangle
/// filters for 2x1, 1x2 and 2x2 (so results track libjpeg/PIL), plain replication for other ratios, then
/// YCbCr → RGB with libjpeg's 16-bit fixed-point constants.
/// </summary>
internal static class JpegColor
{
    private const int ScaleBits = 16;
    private const int Half = 1 << (ScaleBits - 1);

    public static PngImage ToImage(JpegFrame frame, bool rgbStored)
    {
        int width = frame.Width, height = frame.Height;
        if (frame.Components.Length == 1)
        {
            var c = frame.Components[0];
            var gray = new byte[width * height];
            for (int y = 0; y < height; y++) c.Plane.AsSpan(y * c.Stride, width).CopyTo(gray.AsSpan(y * width, width));
            return new PngImage(width, height, 1, gray);
        }
        var planes = frame.Components.Select(c => Upsample(frame, c)).ToArray();
        var pixels = new byte[width * height * 3];
        for (int p = 0, o = 0; p < width * height; p++, o += 3)
        {
            int y = planes[0][p], cb = planes[1][p], cr = planes[2][p];
            if (rgbStored)
            {
                pixels[o] = (byte)y;
                pixels[o + 1] = (byte)cb;
                pixels[o + 2] = (byte)cr;
                continue;
            }
            cb -= 128;
            cr -= 128;
            pixels[o] = Clamp(y + ((91881 * cr + Half) >> ScaleBits));                 // 1.40200 * Cr
            pixels[o + 1] = Clamp(y + ((-22554 * cb - 46802 * cr + Half) >> ScaleBits)); // -0.34414 Cb - 0.71414 Cr
            pixels[o + 2] = Clamp(y + ((116130 * cb + Half) >> ScaleBits));             // 1.77200 * Cb
        }
        return new PngImage(width, height, 3, pixels);
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    /// <summary>The component at full image resolution, width * height samples.</summary>
    private static byte[] Upsample(JpegFrame frame, JpegComponent c)
    {
        int width = frame.Width, height = frame.Height;
        if (frame.MaxH % c.H != 0 || frame.MaxV % c.V != 0)
            throw new InvalidDataException($"JPEG: sampling factors {c.H}x{c.V} of component {c.Id} do not divide the maximum {frame.MaxH}x{frame.MaxV}; such files are not supported.");
        int fx = frame.MaxH / c.H, fy = frame.MaxV / c.V;
        var output = new byte[width * height];
        var wide = new byte[c.Width * fx];
        for (int y = 0; y < height; y++)
        {
            int iy = y / fy;
            ReadOnlySpan<byte> row = c.Plane.AsSpan(iy * c.Stride, c.Width);
            Span<byte> line = output.AsSpan(y * width, width);
            if (fy == 2 && fx == 2)
            {
                int near = Math.Clamp(y % 2 == 0 ? iy - 1 : iy + 1, 0, c.Height - 1);
                H2V2(row, c.Plane.AsSpan(near * c.Stride, c.Width), wide);
                wide.AsSpan(0, width).CopyTo(line);
            }
            else if (fy == 2 && fx == 1)
            {
                int near = Math.Clamp(y % 2 == 0 ? iy - 1 : iy + 1, 0, c.Height - 1);
                ReadOnlySpan<byte> other = c.Plane.AsSpan(near * c.Stride, c.Width);
                int bias = y % 2 == 0 ? 1 : 2;
                for (int x = 0; x < width; x++) line[x] = (byte)((row[x] * 3 + other[x] + bias) >> 2);
            }
            else if (fy == 1 && fx == 2)
            {
                H2V1(row, wide);
                wide.AsSpan(0, width).CopyTo(line);
            }
            else
            {
                for (int x = 0; x < width; x++) line[x] = row[x / fx];
            }
        }
        return output;
    }

    // libjpeg jdsample.c h2v1_fancy_upsample: each output sample is 3/4 of the nearer input plus 1/4 of the further.
    private static void H2V1(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int n = input.Length;
        if (n == 1)
        {
            output[0] = output[1] = input[0];
            return;
        }
        output[0] = input[0];
        output[1] = (byte)((input[0] * 3 + input[1] + 2) >> 2);
        for (int i = 1; i < n - 1; i++)
        {
            int value = input[i] * 3;
            output[2 * i] = (byte)((value + input[i - 1] + 1) >> 2);
            output[2 * i + 1] = (byte)((value + input[i + 1] + 2) >> 2);
        }
        output[2 * n - 2] = (byte)((input[n - 1] * 3 + input[n - 2] + 1) >> 2);
        output[2 * n - 1] = input[n - 1];
    }

    // libjpeg jdsample.c h2v2_fancy_upsample: a vertical 3:1 mix with the nearer row, then the same horizontally.
    private static void H2V2(ReadOnlySpan<byte> current, ReadOnlySpan<byte> near, Span<byte> output)
    {
        int n = current.Length;
        if (n == 1)
        {
            int sum = current[0] * 3 + near[0];
            output[0] = (byte)((sum * 4 + 8) >> 4);
            output[1] = (byte)((sum * 4 + 7) >> 4);
            return;
        }
        int last, self = current[0] * 3 + near[0], next = current[1] * 3 + near[1];
        output[0] = (byte)((self * 4 + 8) >> 4);
        output[1] = (byte)((self * 3 + next + 7) >> 4);
        for (int i = 1; i < n - 1; i++)
        {
            last = self;
            self = next;
            next = current[i + 1] * 3 + near[i + 1];
            output[2 * i] = (byte)((self * 3 + last + 8) >> 4);
            output[2 * i + 1] = (byte)((self * 3 + next + 7) >> 4);
        }
        last = self;
        self = next;
        output[2 * n - 2] = (byte)((self * 3 + last + 8) >> 4);
        output[2 * n - 1] = (byte)((self * 4 + 7) >> 4);
    }
}
