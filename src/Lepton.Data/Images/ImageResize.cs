namespace Lepton.Data.Images;

/// <summary>
/// Bilinear resizing with antialiasing: a triangle filter whose support widens by the scale when shrinking, so every
/// source pixel contributes (Pillow's <c>Image.resize(BILINEAR)</c> weights). Values stay floats, never rounded.
/// </summary>
public static class ImageResize
{
    /// <summary>
    /// src: (H,W,C) bytes, row-major → (C,outH,outW) floats written to <paramref name="dst"/> (channel-first, the model's layout).
    /// Two separable passes, horizontal then vertical, over weights computed once per output row and column.
    /// </summary>
    public static void Bilinear(ReadOnlySpan<byte> src, int width, int height, int channels, Span<float> dst, int outWidth, int outHeight)
    {
        Check(src.Length, width, height, channels, dst.Length, outWidth, outHeight);
        var xs = Weights(width, outWidth);
        var ys = Weights(height, outHeight);
        // Horizontal pass: (H,W,C) → (C,H,outW). Each output pixel reads its source span once for all channels; every
        // channel still sums its taps in ascending order, so the result is bit-identical to one channel at a time.
        var mid = new float[channels * height * outWidth];
        int midPlane = height * outWidth;
        for (int y = 0; y < height; y++)
        {
            var row = src.Slice(y * width * channels, width * channels);
            int at = y * outWidth;
            for (int ox = 0; ox < outWidth; ox++)
            {
                var (start, w) = xs[ox];
                if (channels == 3)
                {
                    float s0 = 0, s1 = 0, s2 = 0;
                    var taps = row.Slice(start * 3, w.Length * 3);
                    for (int k = 0, p = 0; k < w.Length; k++, p += 3)
                    {
                        float wk = w[k];
                        s0 += wk * taps[p];
                        s1 += wk * taps[p + 1];
                        s2 += wk * taps[p + 2];
                    }
                    mid[at + ox] = s0;
                    mid[midPlane + at + ox] = s1;
                    mid[2 * midPlane + at + ox] = s2;
                    continue;
                }
                for (int c = 0; c < channels; c++)
                {
                    float sum = 0;
                    for (int k = 0; k < w.Length; k++) sum += w[k] * row[(start + k) * channels + c];
                    mid[c * midPlane + at + ox] = sum;
                }
            }
        }
        // Vertical pass: (C,H,outW) → (C,outH,outW).
        for (int c = 0; c < channels; c++)
        {
            var plane = mid.AsSpan(c * height * outWidth, height * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                var (start, w) = ys[oy];
                var outRow = dst.Slice((c * outHeight + oy) * outWidth, outWidth);
                outRow.Clear();
                for (int k = 0; k < w.Length; k++)
                {
                    float wk = w[k];
                    var inRow = plane.Slice((start + k) * outWidth, outWidth);
                    for (int ox = 0; ox < outWidth; ox++) outRow[ox] += wk * inRow[ox];
                }
            }
        }
    }

    /// <summary>The reference: each output pixel as the direct 2-D weighted sum of the source pixels under the filter.</summary>
    public static void BilinearReference(ReadOnlySpan<byte> src, int width, int height, int channels, Span<float> dst, int outWidth, int outHeight)
    {
        Check(src.Length, width, height, channels, dst.Length, outWidth, outHeight);
        var xs = Weights(width, outWidth);
        var ys = Weights(height, outHeight);
        for (int c = 0; c < channels; c++)
            for (int oy = 0; oy < outHeight; oy++)
                for (int ox = 0; ox < outWidth; ox++)
                {
                    var (y0, wy) = ys[oy];
                    var (x0, wx) = xs[ox];
                    double sum = 0;
                    for (int j = 0; j < wy.Length; j++)
                        for (int i = 0; i < wx.Length; i++)
                            sum += (double)wy[j] * wx[i] * src[((y0 + j) * width + x0 + i) * channels + c];
                    dst[(c * outHeight + oy) * outWidth + ox] = (float)sum;
                }
    }

    /// <summary>
    /// For each output index: the first source index and the normalized filter weights. Output pixel o covers source
    /// centre (o + 0.5)·scale; the triangle's support is max(scale, 1), as in Pillow's resampling.
    /// </summary>
    internal static (int Start, float[] Weights)[] Weights(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double support = Math.Max(scale, 1.0);
        var result = new (int, float[])[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double centre = (o + 0.5) * scale;
            int lo = Math.Max(0, (int)(centre - support + 0.5));
            int hi = Math.Min(inSize, (int)(centre + support + 0.5));
            var w = new double[Math.Max(hi - lo, 1)];
            double total = 0;
            for (int i = lo; i < hi; i++)
            {
                double t = Math.Abs((i - centre + 0.5) / support);
                w[i - lo] = t < 1 ? 1 - t : 0;
                total += w[i - lo];
            }
            if (total <= 0)
            {
                // Cannot happen for inSize ≥ 1 (the nearest pixel always weighs > 0), but never divide by zero.
                lo = Math.Min((int)centre, inSize - 1);
                w = [1.0];
                total = 1;
            }
            result[o] = (lo, w.Select(v => (float)(v / total)).ToArray());
        }
        return result;
    }

    private static void Check(int srcLength, int width, int height, int channels, int dstLength, int outWidth, int outHeight)
    {
        if (width < 1 || height < 1 || channels < 1 || outWidth < 1 || outHeight < 1)
            throw new ArgumentException($"ImageResize: sizes must be positive, got {width}x{height}x{channels} → {outWidth}x{outHeight}.");
        if (srcLength != (long)width * height * channels)
            throw new ArgumentException($"ImageResize: the source holds {srcLength} bytes, not {width}x{height}x{channels}.");
        if (dstLength != (long)outWidth * outHeight * channels)
            throw new ArgumentException($"ImageResize: the destination holds {dstLength} values, not {channels}x{outHeight}x{outWidth}.");
    }
}
