using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;

namespace Lepton.Data.Text.Import;

/// <summary>One text file an import will read: where it is, its path relative to the root ('/' separators), its label and split.</summary>
public sealed record ScannedText(string FullPath, string Path, string? Label, string? Split = null, string? Group = null);

/// <summary>What a text folder scan found: files in path order, the layout, and the entries skipped with the reason for each.</summary>
public sealed record TextScan(string Root, ImageFolderLayout Layout, IReadOnlyList<ScannedText> Files, IReadOnlyList<string> Skipped);

/// <summary>
/// Finds the text files of a folder: <c>root/&lt;class&gt;/...</c> (any depth below the class folder) or
/// <c>root/train|validation|test/&lt;class&gt;/...</c>, with the image scanner's rules for links (never followed out of the
/// root, never to folders) and its file limit. Hidden files and files that are certainly not text (images, archives,
/// audio, ...) are skipped with a reason; anything else is read as text and the reader reports what it really is.
/// </summary>
public static class TextFolderScanner
{
    private static readonly HashSet<string> NotText = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".ico", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz",
        ".7z", ".tar", ".rar", ".exe", ".dll", ".so", ".bin", ".npy", ".npz", ".pkl", ".pt", ".onnx", ".db", ".sqlite",
        ".mp3", ".wav", ".flac", ".ogg", ".mp4", ".avi", ".mov", ".mkv", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
    };

    public static TextScan Scan(string path, int maxFiles, CancellationToken ct = default)
    {
        if (maxFiles < 1) throw new ArgumentOutOfRangeException(nameof(maxFiles), $"maxFiles must be at least 1, got {maxFiles}.");
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"{path} does not exist; give a folder of text files (root/<class>/*.txt) or a .csv/.jsonl table with --text-column.");
        var root = full.TrimEnd(System.IO.Path.DirectorySeparatorChar);
        var skipped = new List<string>();
        var files = new List<ScannedText>();
        var counter = new ImageFolderScanner.Counter(maxFiles, root);
        var top = ImageFolderScanner.Entries(root, root, skipped, counter, ct);
        var dirs = top.Where(e => e.IsDirectory && !e.Name.StartsWith('.')).ToList();
        bool keras = dirs.Count > 0 && dirs.All(d => ImageSplits.All.Contains(d.Name));
        foreach (var loose in top.Where(e => !e.IsDirectory && Kept(e.Name, e.Relative, skipped)))
            skipped.Add($"{loose.Relative}: skipped, a file directly in the root has no class folder");
        if (keras)
        {
            foreach (var split in dirs)
            {
                var classes = ImageFolderScanner.Entries(root, split.FullPath, skipped, counter, ct);
                foreach (var loose in classes.Where(e => !e.IsDirectory && Kept(e.Name, e.Relative, skipped)))
                    skipped.Add($"{loose.Relative}: skipped, a file directly in a split folder has no class folder");
                foreach (var cls in classes.Where(e => e.IsDirectory && !e.Name.StartsWith('.')))
                    Collect(root, cls.FullPath, cls.Name == ImageFolderScanner.UnlabeledFolder ? null : cls.Name, split.Name, files, skipped, counter, ct);
            }
        }
        else
        {
            foreach (var cls in dirs)
                Collect(root, cls.FullPath, cls.Name == ImageFolderScanner.UnlabeledFolder ? null : cls.Name, null, files, skipped, counter, ct);
        }
        if (files.Count == 0)
            throw new TextImportException(dirs.Count == 0
                ? $"{root} has no class folders: put text files in one folder per class (root/<class>/*.txt or raw e-mails), use train/validation/test/<class>/, or give a .csv/.jsonl table with --text-column."
                : $"{root} has no text files in its class folders.");
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new TextScan(root, keras ? ImageFolderLayout.KerasSplits : ImageFolderLayout.ClassFolders, files, skipped);
    }

    private static void Collect(string root, string folder, string? label, string? split, List<ScannedText> files, List<string> skipped,
        ImageFolderScanner.Counter counter, CancellationToken ct)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            foreach (var e in ImageFolderScanner.Entries(root, pending.Pop(), skipped, counter, ct))
            {
                if (e.IsDirectory) { if (!e.Name.StartsWith('.')) pending.Push(e.FullPath); }
                else if (Kept(e.Name, e.Relative, skipped)) files.Add(new ScannedText(e.FullPath, e.Relative, label, split));
            }
        }
    }

    private static bool Kept(string name, string relative, List<string> skipped)
    {
        if (name.StartsWith('.')) return false;
        if (!NotText.Contains(System.IO.Path.GetExtension(name))) return true;
        skipped.Add($"{relative}: skipped, {System.IO.Path.GetExtension(name)} is not a text format");
        return false;
    }
}
