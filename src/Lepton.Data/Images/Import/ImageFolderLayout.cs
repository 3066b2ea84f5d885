namespace Lepton.Data.Images.Import;

/// <summary>How an imported folder names its classes and splits.</summary>
public enum ImageFolderLayout
{
    /// <summary><c>root/&lt;class&gt;/...</c>: the first folder below the root is the label; no split is assigned.</summary>
    ClassFolders,

    /// <summary><c>root/train|validation|test/&lt;class&gt;/...</c>: the split and the label come from the folders (Keras).</summary>
    KerasSplits,

    /// <summary>A CSV or JSONL file of <c>path,label[,split][,group]</c>, paths relative to the manifest's folder.</summary>
    Manifest,
}

/// <summary>One file an import will read: where it is, its path relative to the root ('/' separators), label, split and group.</summary>
public sealed record ScannedImage(string FullPath, string Path, string? Label, string? Split = null, string? Group = null);

/// <summary>What a scan found: the files to import in path order, and the entries it skipped with the reason for each.</summary>
public sealed record ImageScan(string Root, ImageFolderLayout Layout, IReadOnlyList<ScannedImage> Files, IReadOnlyList<string> Skipped);

/// <summary>Limits of a scan.</summary>
public sealed record ImageScanOptions(int MaxFiles = ImageScanOptions.DefaultMaxFiles)
{
    public const int DefaultMaxFiles = 1_000_000;
}

/// <summary>An import refused as a whole (a hostile manifest, too many files, nothing to import); nothing was recorded.</summary>
public sealed class ImageImportException(string message) : Exception(message);
