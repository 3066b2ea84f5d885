namespace Lepton.Data.Images.Datasets;

/// <summary>
/// Where a version's decoded pixels live: every readable image resized to <see cref="Width"/> x <see cref="Height"/> with
/// <see cref="Channels"/> 8-bit channels (H,W,C), packed into shards stored as artifacts named by <see cref="Shards"/> (SHA-256).
/// </summary>
public sealed record ImagePixels(int Width, int Height, int Channels, string Resize, IReadOnlyList<string> Shards)
{
    /// <summary>Bytes of one image's pixels.</summary>
    public int ImageBytes => Width * Height * Channels;
}
