namespace Lepton.Data.Images.Augmentation;

/// <summary>
/// Applies an <see cref="AugmentationSpec"/> to (H,W,C) byte images: one combined affine warp (flips, rotation, shear,
/// zoom, translation and the random crop resized back, sampled once, bilinear), then brightness, contrast and cutout.
/// The random draws for an example depend only on (seed, epoch, example index), never on the order in which threads
/// reach it, so two runs give the same bytes. Thread-safe: it holds no mutable state.
/// </summary>
public sealed class ImageAugmenter
{
    // Each draw is its own counter-based hash, so turning one term on does not shift the others' values.
    private const int DrawCount = 14;

    public ImageAugmenter(AugmentationSpec spec, ulong seed = 0)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        Seed = seed;
    }

    public AugmentationSpec Spec { get; }

    public ulong Seed { get; }

    /// <summary>The random choices for example <paramref name="index"/> in <paramref name="epoch"/>.</summary>
    public AugmentationDraw Draw(int epoch, long index)
    {
        ulong key = Mix(Mix(Mix(Seed) ^ (ulong)(uint)epoch) ^ (ulong)index);
        Span<double> u = stackalloc double[DrawCount];
        for (int i = 0; i < DrawCount; i++)
            u[i] = (Mix(key + (ulong)(i + 1) * 0x9E3779B97F4A7C15UL) >> 11) * (1.0 / (1UL << 53));
        var s = Spec;
        double crop = s.Crop + u[7] * (1 - s.Crop);
        return new AugmentationDraw(
            FlipX: s.Flip && u[0] < 0.5,
            FlipY: s.VFlip && u[1] < 0.5,
            Angle: Symmetric(u[2], s.Rotate) * Math.PI / 180,
            Shear: Symmetric(u[3], s.Shear),
            Zoom: 1 + Symmetric(u[4], s.Zoom),
            ShiftX: Symmetric(u[5], s.Translate),
            ShiftY: Symmetric(u[6], s.Translate),
            CropScale: crop,
            CropX: (u[8] - 0.5) * (1 - crop),
            CropY: (u[9] - 0.5) * (1 - crop),
            Brightness: (float)(1 + Symmetric(u[10], s.Brightness)),
            Contrast: (float)(1 + Symmetric(u[11], s.Contrast)),
            CutoutY: u[12],
            CutoutX: u[13]);
    }

    /// <summary>
    /// Augments <paramref name="source"/> into <paramref name="destination"/> (both H*W*C bytes, distinct) with the draws of
    /// (<paramref name="epoch"/>, <paramref name="index"/>); <paramref name="fill"/> (one byte per channel, default black)
    /// fills the cutout square and, with fill=constant, pixels warped in from outside.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width, int channels, int epoch, long index,
        ReadOnlySpan<byte> fill = default) =>
        Apply(source, destination, height, width, channels, Draw(epoch, index), fill);

    /// <summary>Augments with given draws (for tests and previews that choose them).</summary>
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width, int channels, in AugmentationDraw draw,
        ReadOnlySpan<byte> fill = default)
    {
        var map = draw.Map(height, width);
        if (map.IsIdentity)
        {
            if (source.Length != destination.Length || source.Length != height * width * channels)
                throw new ArgumentException($"ImageAugmenter expected source and destination of H*W*C = {height * width * channels} bytes, got {source.Length} and {destination.Length}.");
            source.CopyTo(destination);
        }
        else
        {
            AffineWarp.Warp(source, destination, height, width, channels, map, Spec.Fill, fill);
        }
        if (draw.Brightness != 1f) Brightness(destination, draw.Brightness);
        if (draw.Contrast != 1f) Contrast(destination, draw.Contrast);
        if (Spec.Cutout > 0) Cutout(destination, height, width, channels, Spec.Cutout, draw.CutoutY, draw.CutoutX, fill);
    }

    /// <summary>Multiplies every byte by <paramref name="factor"/>, rounded and clamped to 0..255.</summary>
    public static void Brightness(Span<byte> image, float factor)
    {
        Span<byte> table = stackalloc byte[256];
        for (int v = 0; v < 256; v++) table[v] = Clamp(v * factor);
        Lookup(image, table);
    }

    /// <summary>Scales each byte's distance from the image's mean by <paramref name="factor"/> (torchvision's contrast uses the gray mean; this the mean of all channels).</summary>
    public static void Contrast(Span<byte> image, float factor)
    {
        if (image.IsEmpty) return;
        long sum = 0;
        foreach (byte v in image) sum += v;
        float mean = (float)((double)sum / image.Length);
        Span<byte> table = stackalloc byte[256];
        for (int v = 0; v < 256; v++) table[v] = Clamp((v - mean) * factor + mean);
        Lookup(image, table);
    }

    /// <summary>Sets a side x side square (clipped to the image's smaller side) at a position given by fractions in [0, 1) to <paramref name="fill"/>.</summary>
    public static void Cutout(Span<byte> image, int height, int width, int channels, int side, double fracY, double fracX, ReadOnlySpan<byte> fill = default)
    {
        int n = Math.Min(side, Math.Min(height, width));
        int top = Math.Min((int)(fracY * (height - n + 1)), height - n), left = Math.Min((int)(fracX * (width - n + 1)), width - n);
        for (int y = top; y < top + n; y++)
        {
            var row = image.Slice((y * width + left) * channels, n * channels);
            if (fill.IsEmpty) row.Clear();
            else
                for (int x = 0; x < n; x++) fill.CopyTo(row.Slice(x * channels, channels));
        }
    }

    private static void Lookup(Span<byte> image, ReadOnlySpan<byte> table)
    {
        for (int i = 0; i < image.Length; i++) image[i] = table[image[i]];
    }

    private static byte Clamp(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(int)(v + 0.5f);

    private static double Symmetric(double u, double range) => (2 * u - 1) * range;

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
