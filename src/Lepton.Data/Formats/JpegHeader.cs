namespace Lepton.Data.Formats;

/// <summary>
/// What a JPEG's start-of-frame segment declares, read without decoding any pixels: size, number of components
/// (1 gray, 3 colour), sample precision and the coding process (baseline, extended, progressive, ...).
/// </summary>
public sealed record JpegHeader(int Width, int Height, int Components, int Precision, JpegProcess Process)
{
    /// <summary>Pixels the image will have once decoded (width times height).</summary>
    public long PixelCount => (long)Width * Height;
}

/// <summary>The coding process named by the SOF marker.</summary>
public enum JpegProcess
{
    Baseline,
    ExtendedSequential,
    Progressive,
    Lossless,
    Hierarchical,
    Arithmetic,
}
