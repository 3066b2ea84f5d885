namespace Lepton.Data.Formats;

/// <summary>The PNG signature; pixels are decoded by SkiaSharp (<c>Images/SkiaImageDecoder</c>) and written by <see cref="PngEncoder"/>.</summary>
public static class Png
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when the bytes start with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);
}
