namespace Lepton.Data.Images.Augmentation;

/// <summary>
/// Warps an (H,W,C) byte image by an <see cref="AffineMap"/> with bilinear sampling. Coordinates and weights are fixed
/// point (16 bits of position, 8 of weight), so the fast warp, which steps coordinates along a row and skips edge checks
/// inside the image, returns exactly the bytes of <see cref="WarpReference"/>, which computes each pixel on its own.
/// </summary>
public static class AffineWarp
{
    private const int Shift = AffineMap.FractionBits;
    private const int WeightBits = 8;
    private const int WeightOne = 1 << WeightBits;

    /// <summary>Fast warp of <paramref name="source"/> into <paramref name="destination"/> (both H*W*C bytes).</summary>
    public static void Warp(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width, int channels,
        in AffineMap map, AugmentationFill fill, ReadOnlySpan<byte> fillValue = default)
    {
        Check(source, destination, height, width, channels, fillValue);
        long a = AffineMap.Fixed(map.A), b = AffineMap.Fixed(map.B), c = AffineMap.Fixed(map.C), d = AffineMap.Fixed(map.D);
        long e = AffineMap.Fixed(map.E), f = AffineMap.Fixed(map.F);
        int rowBytes = width * channels;
        for (int y = 0; y < height; y++)
        {
            long sx = e + y * b, sy = f + y * d;
            var row = destination.Slice(y * rowBytes, rowBytes);
            for (int x = 0, o = 0; x < width; x++, o += channels, sx += a, sy += c)
            {
                int ix = (int)(sx >> Shift), iy = (int)(sy >> Shift);
                int wx = (int)(sx >> (Shift - WeightBits)) & (WeightOne - 1), wy = (int)(sy >> (Shift - WeightBits)) & (WeightOne - 1);
                if ((uint)ix < (uint)(width - 1) && (uint)iy < (uint)(height - 1))
                {
                    // All four taps inside: no clamping, weights shared by the channels.
                    int w00 = (WeightOne - wx) * (WeightOne - wy), w01 = wx * (WeightOne - wy), w10 = (WeightOne - wx) * wy, w11 = wx * wy;
                    int p = (iy * width + ix) * channels, q = p + rowBytes;
                    for (int k = 0; k < channels; k++)
                        row[o + k] = (byte)((source[p + k] * w00 + source[p + channels + k] * w01 + source[q + k] * w10
                            + source[q + channels + k] * w11 + (1 << (2 * WeightBits - 1))) >> (2 * WeightBits));
                }
                else
                {
                    for (int k = 0; k < channels; k++)
                        row[o + k] = EdgeSample(source, height, width, channels, ix, iy, wx, wy, k, fill, fillValue);
                }
            }
        }
    }

    /// <summary>The plain twin of <see cref="Warp"/>: each pixel's coordinates from the map, each tap bounds-checked.</summary>
    public static void WarpReference(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width, int channels,
        in AffineMap map, AugmentationFill fill, ReadOnlySpan<byte> fillValue = default)
    {
        Check(source, destination, height, width, channels, fillValue);
        long a = AffineMap.Fixed(map.A), b = AffineMap.Fixed(map.B), c = AffineMap.Fixed(map.C), d = AffineMap.Fixed(map.D);
        long e = AffineMap.Fixed(map.E), f = AffineMap.Fixed(map.F);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            long sx = a * x + b * y + e, sy = c * x + d * y + f;
            int ix = (int)Math.Floor(sx / (double)(1L << Shift)), iy = (int)Math.Floor(sy / (double)(1L << Shift));
            int wx = (int)((sx - ((long)ix << Shift)) >> (Shift - WeightBits)), wy = (int)((sy - ((long)iy << Shift)) >> (Shift - WeightBits));
            for (int k = 0; k < channels; k++)
                destination[(y * width + x) * channels + k] = EdgeSample(source, height, width, channels, ix, iy, wx, wy, k, fill, fillValue);
        }
    }

    private static byte EdgeSample(ReadOnlySpan<byte> source, int height, int width, int channels, int ix, int iy, int wx, int wy,
        int k, AugmentationFill fill, ReadOnlySpan<byte> fillValue)
    {
        int sum = Tap(source, height, width, channels, ix, iy, k, fill, fillValue) * (WeightOne - wx) * (WeightOne - wy)
                  + Tap(source, height, width, channels, ix + 1, iy, k, fill, fillValue) * wx * (WeightOne - wy)
                  + Tap(source, height, width, channels, ix, iy + 1, k, fill, fillValue) * (WeightOne - wx) * wy
                  + Tap(source, height, width, channels, ix + 1, iy + 1, k, fill, fillValue) * wx * wy;
        return (byte)((sum + (1 << (2 * WeightBits - 1))) >> (2 * WeightBits));
    }

    private static int Tap(ReadOnlySpan<byte> source, int height, int width, int channels, int x, int y, int k,
        AugmentationFill fill, ReadOnlySpan<byte> fillValue)
    {
        if ((uint)x >= (uint)width || (uint)y >= (uint)height)
        {
            if (fill == AugmentationFill.Constant) return fillValue.IsEmpty ? 0 : fillValue[k];
            x = Math.Clamp(x, 0, width - 1);
            y = Math.Clamp(y, 0, height - 1);
        }
        return source[(y * width + x) * channels + k];
    }

    private static void Check(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width, int channels, ReadOnlySpan<byte> fillValue)
    {
        if (height <= 0 || width <= 0 || channels <= 0)
            throw new ArgumentException($"AffineWarp needs an image of positive size, got H={height}, W={width}, C={channels}.");
        long bytes = (long)height * width * channels;
        if (source.Length != bytes || destination.Length != bytes)
            throw new ArgumentException($"AffineWarp expected source and destination of H*W*C = {bytes} bytes (H={height}, W={width}, C={channels}), got {source.Length} and {destination.Length}.");
        if (!fillValue.IsEmpty && fillValue.Length != channels)
            throw new ArgumentException($"AffineWarp: the fill value has {fillValue.Length} channels, the image {channels}; give one byte per channel or none (black).");
        if (Math.Max(height, width) > 1 << 14)
            throw new ArgumentException($"AffineWarp handles images up to 16384 pixels a side (fixed-point coordinates), got {height}x{width}; resize first.");
    }
}
