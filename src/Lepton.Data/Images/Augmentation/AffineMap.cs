namespace Lepton.Data.Images.Augmentation;

/// <summary>
/// An output-to-source pixel map: the pixel at (x, y) of the result samples the source at
/// (A*x + B*y + E, C*x + D*y + F), in pixel units with (0, 0) the centre of the top-left pixel.
/// </summary>
public readonly record struct AffineMap(double A, double B, double C, double D, double E, double F)
{
    /// <summary>Bits below the binary point of the fixed-point coordinates both warps use, so they agree to the bit.</summary>
    internal const int FractionBits = 16;

    public static AffineMap Identity { get; } = new(1, 0, 0, 1, 0, 0);

    public bool IsIdentity => this == Identity;

    /// <summary>
    /// The map that shows the content flipped, zoomed by <paramref name="zoom"/> (above 1 magnifies), sheared by
    /// <paramref name="shear"/> radians, rotated by <paramref name="angle"/> radians and shifted by (<paramref name="shiftX"/>,
    /// <paramref name="shiftY"/>) pixels about the image centre, then cropped to a window of side <paramref name="cropScale"/>
    /// (a fraction of the image's) whose centre is (<paramref name="cropX"/>, <paramref name="cropY"/>) pixels from the image
    /// centre, and resized back.
    /// </summary>
    public static AffineMap Compose(int height, int width, bool flipX, bool flipY, double angle, double shear, double zoom,
        double shiftX, double shiftY, double cropScale = 1, double cropX = 0, double cropY = 0)
    {
        // Forward (source to result, centred): dst = (R * Sh * Z * Fl * src + t - o) / s. Invert it once here.
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double fx = flipX ? -zoom : zoom, fy = flipY ? -zoom : zoom;
        // Sh = [[1, -sin(shear)], [0, cos(shear)]] as Keras's shear matrix.
        double shA = 1, shB = -Math.Sin(shear), shD = Math.Cos(shear);
        // L = R * Sh * diag(fx, fy)
        double l00 = (cos * shA) * fx, l01 = (cos * shB - sin * shD) * fy;
        double l10 = (sin * shA) * fx, l11 = (sin * shB + cos * shD) * fy;
        double det = l00 * l11 - l01 * l10;
        if (Math.Abs(det) < 1e-12)
            throw new ArgumentException($"AffineMap.Compose: the transform is singular (zoom {zoom}, shear {shear}); zoom must be above 0 and |shear| below pi/2.");
        double m00 = l11 / det, m01 = -l01 / det, m10 = -l10 / det, m11 = l00 / det;
        // Rounding away sin(pi)-sized noise keeps right angles and identities exact on the pixel grid.
        m00 = Snap(m00); m01 = Snap(m01); m10 = Snap(m10); m11 = Snap(m11);
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        double s = cropScale;
        // src = M * (s * (X - c) + o - t) + c
        double px = cropX - shiftX - s * cx, py = cropY - shiftY - s * cy;
        return new AffineMap(
            s * m00, s * m01,
            s * m10, s * m11,
            m00 * px + m01 * py + cx,
            m10 * px + m11 * py + cy);
    }

    private static double Snap(double v)
    {
        double r = Math.Round(v);
        return Math.Abs(v - r) < 1e-12 ? r : v;
    }

    internal static long Fixed(double v) => (long)Math.Round(v * (1L << FractionBits));
}
