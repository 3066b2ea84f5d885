using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Images.Import;

/// <summary>
/// Finds the files of an image data set under a root: class-per-subfolder, the Keras <c>train/validation/test</c> layout,
/// or a CSV/JSONL manifest. Never follows a symbolic link out of the root, stops at <see cref="ImageScanOptions.MaxFiles"/>
/// (a folder of a million stray files is a message, not an hour of work) and ignores only files that are clearly not
/// images (.txt, .csv, .json, ...): a file named like an image is kept, and the reader marks what it really is.
/// </summary>
public static partial class ImageFolderScanner
{
    /// <summary>Extensions read as images.</summary>
    public static readonly IReadOnlySet<string> ImageExtensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".gif", ".webp" };

    // Files that often sit next to images and are certainly not images.
    private static readonly HashSet<string> NotImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".csv", ".tsv", ".json", ".jsonl", ".md", ".yaml", ".yml", ".xml", ".html", ".htm", ".log", ".py", ".ipynb", ".pdf",
        ".zip", ".tar", ".gz", ".db", ".ini", ".sh", ".npy", ".npz", ".pkl", ".mp4", ".avi", ".mov", ".wav", ".mp3",
    };

    /// <summary>Scans a folder, or reads a manifest when <paramref name="path"/> is a .csv or .jsonl file.</summary>
    public static ImageScan Scan(string path, ImageScanOptions? options = null, CancellationToken ct = default)
    {
        options ??= new ImageScanOptions();
        if (options.MaxFiles < 1) throw new ArgumentOutOfRangeException(nameof(options), $"MaxFiles must be at least 1, got {options.MaxFiles}.");
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            var ext = System.IO.Path.GetExtension(full);
            if (ext.Equals(".csv", StringComparison.OrdinalIgnoreCase) || ext.Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
                return ScanManifest(full, options, ct);
            throw new ImageImportException($"{path} is a file; import a folder of images or a .csv/.jsonl manifest of path,label[,split][,group].");
        }
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"{path} does not exist; give a folder of images or a .csv/.jsonl manifest.");
        return ScanFolder(full.TrimEnd(System.IO.Path.DirectorySeparatorChar), options, ct);
    }

    private static ImageScan ScanFolder(string root, ImageScanOptions options, CancellationToken ct)
    {
        var skipped = new List<string>();
        var files = new List<ScannedImage>();
        var counter = new Counter(options.MaxFiles, root);
        var top = Entries(root, root, skipped, counter, ct);
        var dirs = top.Where(e => e.IsDirectory).ToList();
        // An unlabeled/ folder holds images still to be labelled (Label null): beside class folders or beside train/validation/test.
        var unlabeled = dirs.Where(d => d.Name == UnlabeledFolder).ToList();
        var labelled = dirs.Except(unlabeled).ToList();
        bool keras = labelled.Count > 0 && labelled.All(d => ImageSplits.All.Contains(d.Name));
        foreach (var loose in top.Where(e => !e.IsDirectory && Kept(e.Name)))
            skipped.Add($"{loose.Relative}: skipped, a file directly in the root has no class folder");
        foreach (var folder in unlabeled) Collect(root, folder.FullPath, null, null, files, skipped, counter, ct);
        if (keras)
        {
            foreach (var split in labelled)
            {
                var classes = Entries(root, split.FullPath, skipped, counter, ct);
                foreach (var loose in classes.Where(e => !e.IsDirectory && Kept(e.Name)))
                    skipped.Add($"{loose.Relative}: skipped, a file directly in a split folder has no class folder");
                foreach (var cls in classes.Where(e => e.IsDirectory))
                    Collect(root, cls.FullPath, cls.Name == UnlabeledFolder ? null : cls.Name, split.Name, files, skipped, counter, ct);
            }
        }
        else
        {
            foreach (var cls in labelled) Collect(root, cls.FullPath, cls.Name, null, files, skipped, counter, ct);
        }
        if (files.Count == 0)
            throw new ImageImportException(dirs.Count == 0
                ? $"{root} has no class folders: put images in one folder per class (root/<class>/*.jpg), use train/validation/test/<class>/, or give a .csv/.jsonl manifest."
                : $"{root} has no images (JPEG, PNG, BMP, GIF or WebP) in its class folders.");
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ImageScan(root, keras ? ImageFolderLayout.KerasSplits : ImageFolderLayout.ClassFolders, files, skipped);
    }

    private static void Collect(string root, string folder, string? label, string? split, List<ScannedImage> files, List<string> skipped,
        Counter counter, CancellationToken ct)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            foreach (var e in Entries(root, pending.Pop(), skipped, counter, ct))
            {
                if (e.IsDirectory) pending.Push(e.FullPath);
                else if (Kept(e.Name)) files.Add(new ScannedImage(e.FullPath, e.Relative, label, split));
            }
        }
    }

    /// <summary>The folder name whose images have no label yet (<see cref="ScannedImage.Label"/> null): they wait in the labeling queue.</summary>
    public const string UnlabeledFolder = "unlabeled";

    /// <summary>True unless the name says it is certainly not an image (hidden files, .txt, .csv, .json, ...).</summary>
    public static bool Kept(string name) =>
        !name.StartsWith('.') && !name.Equals("Thumbs.db", StringComparison.OrdinalIgnoreCase) && !NotImageExtensions.Contains(System.IO.Path.GetExtension(name));

    internal readonly record struct Entry(string Name, string FullPath, string Relative, bool IsDirectory);

    // The entries of one folder; links are followed only to files inside the root, never to folders (no cycles).
    internal static List<Entry> Entries(string root, string folder, List<string> skipped, Counter counter, CancellationToken ct)
    {
        var result = new List<Entry>();
        // FileSystemEnumerable reads names and types from the directory entries themselves: no object and no stat per
        // file, so counting a folder of a million files up to the limit takes seconds.
        var entries = new System.IO.Enumeration.FileSystemEnumerable<(string Name, string FullPath, bool IsDirectory, bool IsLink)>(folder,
            (ref System.IO.Enumeration.FileSystemEntry e) => (e.FileName.ToString(), e.ToFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
            new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 });
        foreach (var (entryName, fullPath, isDirectory, isLink) in entries)
        {
            ct.ThrowIfCancellationRequested();
            bool dir = isDirectory;
            if (!dir) counter.Add();
            string relative = System.IO.Path.GetRelativePath(root, fullPath).Replace('\\', '/');
            if (isLink)
            {
                FileSystemInfo info = dir ? new DirectoryInfo(fullPath) : new FileInfo(fullPath);
                FileSystemInfo? target;
                try { target = info.ResolveLinkTarget(returnFinalTarget: true); }
                catch (IOException) { target = null; }
                if (target is null || !target.Exists) { skipped.Add($"{relative}: skipped, a link to nothing"); continue; }
                if (!Inside(root, target.FullName)) { skipped.Add($"{relative}: skipped, a link to {target.FullName}, outside the imported folder (not followed)"); continue; }
                if (target is DirectoryInfo) { skipped.Add($"{relative}: skipped, a link to a folder (not followed)"); continue; }
            }
            result.Add(new Entry(entryName, fullPath, relative, dir));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    internal static bool Inside(string root, string path)
    {
        var r = root.EndsWith(System.IO.Path.DirectorySeparatorChar) ? root : root + System.IO.Path.DirectorySeparatorChar;
        return path.StartsWith(r, StringComparison.Ordinal);
    }

    internal sealed class Counter(int max, string root)
    {
        private int _count;

        public void Add()
        {
            if (++_count > max)
                throw new ImageImportException(
                    $"{root} holds more than {max:N0} files; nothing was imported. Import a smaller folder, or raise --max-files if the folder really is that large.");
        }
    }
}
