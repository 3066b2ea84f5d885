namespace Lepton.Data.Formats;

/// <summary>Turns inflated PNG scanlines into 8-bit pixels: per-row unfiltering, sample unpacking, Adam7 placement.</summary>
internal static class PngScanlines
{
    // Adam7 passes: (x start, y start, x step, y step). A non-interlaced image is the single pass (0,0,1,1).
    private static readonly (int X, int Y, int DX, int DY)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private static readonly (int X, int Y, int DX, int DY)[] Progressive = [(0, 0, 1, 1)];

    private static (int X, int Y, int DX, int DY)[] Passes(PngHeader h) => h.Interlaced ? Adam7 : Progressive;

    private static (int W, int H) PassSize(PngHeader h, (int X, int Y, int DX, int DY) p) =>
        ((h.Width - p.X + p.DX - 1) / p.DX, (h.Height - p.Y + p.DY - 1) / p.DY);

    /// <summary>Bytes of filtered scanlines (one filter byte per row) the image needs.</summary>
    public static long RawSize(PngHeader h)
    {
        long total = 0;
        foreach (var p in Passes(h))
        {
            var (w, rows) = PassSize(h, p);
            if (w > 0 && rows > 0) total += rows * (1 + h.RowBytes(w));
        }
        return total;
    }

    public static PngImage Decode(PngHeader h, byte[] raw, byte[]? palette, string name)
    {
        int channels = h.OutputChannels;
        var pixels = new byte[(long)h.Width * h.Height * channels];
        int offset = 0;
        foreach (var p in Passes(h))
        {
            var (w, rows) = PassSize(h, p);
            if (w == 0 || rows == 0) continue;
            int rowBytes = (int)h.RowBytes(w);
            var previous = new byte[rowBytes];
            var current = new byte[rowBytes];
            var samples = new byte[w * channels];
            for (int y = 0; y < rows; y++)
            {
                int filter = raw[offset];
                raw.AsSpan(offset + 1, rowBytes).CopyTo(current);
                offset += 1 + rowBytes;
                Unfilter(filter, current, previous, h.FilterStride, name, y);
                Unpack(h, current, w, palette, samples, name);
                int outY = p.Y + y * p.DY;
                for (int x = 0; x < w; x++)
                {
                    long dst = ((long)outY * h.Width + p.X + x * p.DX) * channels;
                    samples.AsSpan(x * channels, channels).CopyTo(pixels.AsSpan((int)dst, channels));
                }
                (previous, current) = (current, previous);
            }
        }
        return new PngImage(h.Width, h.Height, channels, pixels);
    }

    /// <summary>Reverses one row's filter in place; <paramref name="prior"/> is the unfiltered row above (zeros for the first).</summary>
    internal static void Unfilter(int filter, Span<byte> row, ReadOnlySpan<byte> prior, int bpp, string name, int y)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp];
                break;
            case 2:
                for (int i = 0; i < row.Length; i++) row[i] += prior[i];
                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                    row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + prior[i]) >> 1);
                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
                    row[i] += (byte)Paeth(a, b, c);
                }
                break;
            default:
                throw new InvalidDataException($"{name}: scanline {y} has unknown filter type {filter} (PNG defines 0-4); the image data is corrupt.");
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Converts one unfiltered row of stored samples into 8-bit output samples.</summary>
    private static void Unpack(PngHeader h, ReadOnlySpan<byte> row, int width, byte[]? palette, Span<byte> output, string name)
    {
        int stored = width * h.StoredChannels;
        switch (h.BitDepth)
        {
            case 8 when h.ColorType != 3:
                row[..stored].CopyTo(output);
                return;
            case 16:
                for (int i = 0; i < stored; i++)
                {
                    int v = (row[2 * i] << 8) | row[2 * i + 1];
                    output[i] = (byte)((v * 255 + 32767) / 65535);
                }
                return;
        }
        int depth = h.BitDepth, max = (1 << depth) - 1;
        for (int i = 0; i < stored; i++)
        {
            int v = depth == 8 ? row[i] : (row[i * depth / 8] >> (8 - depth - i * depth % 8)) & max;
            if (h.ColorType == 3)
            {
                if (3 * v + 2 >= palette!.Length)
                    throw new InvalidDataException($"{name}: palette index {v} is outside the {palette.Length / 3}-entry PLTE.");
                output[3 * i] = palette[3 * v];
                output[3 * i + 1] = palette[3 * v + 1];
                output[3 * i + 2] = palette[3 * v + 2];
            }
            else output[i] = (byte)(v * 255 / max);
        }
    }
}
