namespace Lepton.Data.Images.Inspection;

/// <summary>
/// The 64-bit DCT perceptual hash (pHash, as Python's imagehash.phash): the image in gray, downsampled to 32x32, its 2-D
/// DCT-II, the 8x8 lowest frequencies compared with their median. Re-encoding, mild resizing and brightness changes move
/// few bits; unrelated images differ in about half of them. Bit r*8+c is coefficient (r,c) &gt; median.
/// </summary>
public static class PerceptualHash
{
    private const int Side = 32;
    private const int Low = 8;
    private static readonly double[] Cosines = BuildCosines();

    /// <summary>The hash of (H,W,C) bytes (C 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA; alpha ignored).</summary>
    public static ulong Compute(ReadOnlySpan<byte> hwc, int width, int height, int channels)
    {
        var gray = Gray(hwc, width, height, channels);
        var small = new float[Side * Side];
        ImageResize.Bilinear(gray, width, height, 1, small, Side, Side);
        var low = LowFrequencies(small);
        var sorted = (double[])low.Clone();
        Array.Sort(sorted);
        double median = (sorted[31] + sorted[32]) / 2;
        ulong hash = 0;
        for (int i = 0; i < Low * Low; i++)
            if (low[i] > median) hash |= 1UL << i;
        return hash;
    }

    /// <summary>Number of differing bits.</summary>
    public static int Distance(ulong a, ulong b) => System.Numerics.BitOperations.PopCount(a ^ b);

    /// <summary>ITU-R 601 luma (as PIL's convert("L")) of every pixel.</summary>
    internal static byte[] Gray(ReadOnlySpan<byte> hwc, int width, int height, int channels)
    {
        int plane = width * height;
        if (hwc.Length < plane * channels)
            throw new ArgumentException($"PerceptualHash expected {plane * channels} bytes for {width}x{height}x{channels}, got {hwc.Length}.");
        var gray = new byte[plane];
        for (int p = 0; p < plane; p++)
        {
            int o = p * channels;
            gray[p] = channels < 3
                ? hwc[o]
                : (byte)((hwc[o] * 299 + hwc[o + 1] * 587 + hwc[o + 2] * 114 + 500) / 1000);
        }
        return gray;
    }

    /// <summary>
    /// The 8x8 lowest coefficients of the unnormalized DCT-II (scipy.fftpack.dct, type 2) along rows then columns. Only 8
    /// of 32 frequencies are needed per axis, so the direct sums cost 2*8*32*32 multiply-adds: no FFT is worth it.
    /// </summary>
    internal static double[] LowFrequencies(ReadOnlySpan<float> pixels)
    {
        // Along x: (32 rows, 8 freqs).
        var rows = new double[Side * Low];
        for (int y = 0; y < Side; y++)
            for (int u = 0; u < Low; u++)
            {
                double s = 0;
                for (int x = 0; x < Side; x++) s += pixels[y * Side + x] * Cosines[u * Side + x];
                rows[y * Low + u] = 2 * s;
            }
        // Along y: (8 freqs v, 8 freqs u), row-major by v.
        var result = new double[Low * Low];
        for (int v = 0; v < Low; v++)
            for (int u = 0; u < Low; u++)
            {
                double s = 0;
                for (int y = 0; y < Side; y++) s += rows[y * Low + u] * Cosines[v * Side + y];
                result[v * Low + u] = 2 * s;
            }
        return result;
    }

    private static double[] BuildCosines()
    {
        var c = new double[Low * Side];
        for (int k = 0; k < Low; k++)
            for (int n = 0; n < Side; n++)
                c[k * Side + n] = Math.Cos(Math.PI * k * (2 * n + 1) / (2.0 * Side));
        return c;
    }
}
