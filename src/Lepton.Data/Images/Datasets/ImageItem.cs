namespace Lepton.Data.Images.Datasets;

/// <summary>
/// One file of an image data set version. <see cref="Path"/> is relative to the imported root with '/' separators;
/// <see cref="Problem"/> is null for a readable image, else why it could not be decoded (its pixels are then absent).
/// <see cref="Shard"/> and <see cref="Slot"/> locate its decoded, resized pixels in the version's pixel shards (-1 when none).
/// </summary>
public sealed record ImageItem(
    string Path,
    string Sha256,
    long Size,
    string? Label,
    string? Split = null,
    string? Group = null,
    int? Fold = null,
    int Width = 0,
    int Height = 0,
    int Channels = 0,
    ImageProblem? Problem = null,
    int Shard = -1,
    int Slot = -1)
{
    /// <summary>True when the file decoded and its pixels are in a shard.</summary>
    public bool IsReadable => Problem is null && Shard >= 0;
}

/// <summary>Why a file of an image data set has no pixels: its kind (a stable word for scripts) and a sentence for people.</summary>
public sealed record ImageProblem(ImageProblemKind Kind, string Message);

/// <summary>The kinds of unreadable files an import records instead of failing.</summary>
public enum ImageProblemKind
{
    /// <summary>A 0-byte file.</summary>
    Empty,

    /// <summary>A file whose bytes are not JPEG, PNG, BMP, GIF or WebP.</summary>
    NotAnImage,

    /// <summary>An image whose data ends early or is corrupt.</summary>
    Unreadable,

    /// <summary>An image whose header declares more pixels than allowed (refused before decoding).</summary>
    TooLarge,
}
