using System.IO.Enumeration;

namespace Lepton.Data.Tables.Reading;

/// <summary>One file of a table source: its path relative to the root (forward slashes), full path, format and size.</summary>
public sealed record TableFile(string Name, string FullPath, TableFormat Format, long Size);

/// <summary>
/// The files a table is read from: one .csv/.tsv/.parquet/Excel file, or every such file under a folder (sorted by path) that
/// must share one format and one schema. Links are followed only to files inside the folder; hidden files are skipped.
/// </summary>
public sealed record TableSource(string Root, IReadOnlyList<TableFile> Files, IReadOnlyList<string> Skipped)
{
    public static TableSource Resolve(string path, TableReadOptions? options = null, CancellationToken ct = default)
    {
        options ??= TableReadOptions.Default;
        options.Validate();
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            var format = TableFormats.FromPath(full)
                ?? throw new TableReadException($"{path} is not a table file; give a {TableFormats.Listed} file, or a folder of them.");
            var file = new TableFile(Path.GetFileName(full), full, format, new FileInfo(full).Length);
            CheckSize(file, options);
            return new TableSource(Path.GetDirectoryName(full)!, [file], []);
        }
        if (!Directory.Exists(full)) throw new TableReadException($"{path} does not exist; give a {TableFormats.Listed} file, or a folder of them.");
        return ScanFolder(full.TrimEnd(Path.DirectorySeparatorChar), options, ct);
    }

    /// <summary>True when <paramref name="path"/> is a table file, or a folder that holds table files and no subfolders of images.</summary>
    public static bool LooksLikeTable(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return TableFormats.IsTableFile(full);
        if (!Directory.Exists(full)) return false;
        var top = new DirectoryInfo(full);
        return top.EnumerateFiles().Any(f => !f.Name.StartsWith('.') && TableFormats.IsTableFile(f.Name))
               && !top.EnumerateDirectories().Any(d => !d.Name.StartsWith('.'));
    }

    private static TableSource ScanFolder(string root, TableReadOptions options, CancellationToken ct)
    {
        var files = new List<TableFile>();
        var skipped = new List<string>();
        var pending = new Stack<string>();
        pending.Push(root);
        int seen = 0;
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            var entries = new FileSystemEnumerable<(string Name, string FullPath, bool IsDirectory, bool IsLink)>(folder,
                (ref FileSystemEntry e) => (e.FileName.ToString(), e.ToFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
                new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 });
            foreach (var (name, fullPath, isDirectory, isLink) in entries)
            {
                ct.ThrowIfCancellationRequested();
                var relative = Path.GetRelativePath(root, fullPath).Replace('\\', '/');
                if (name.StartsWith('.')) continue;
                if (isLink)
                {
                    FileSystemInfo info = isDirectory ? new DirectoryInfo(fullPath) : new FileInfo(fullPath);
                    FileSystemInfo? target;
                    try { target = info.ResolveLinkTarget(returnFinalTarget: true); }
                    catch (IOException) { target = null; }
                    if (target is null || !target.Exists) { skipped.Add($"{relative}: skipped, a link to nothing"); continue; }
                    if (!Inside(root, target.FullName)) { skipped.Add($"{relative}: skipped, a link to {target.FullName}, outside the folder (not followed)"); continue; }
                    if (isDirectory) { skipped.Add($"{relative}: skipped, a link to a folder (not followed)"); continue; }
                }
                if (isDirectory) { pending.Push(fullPath); continue; }
                // Every file counts, so a folder of a million stray files is a message, not a long scan.
                if (++seen > options.MaxFiles)
                    throw new TableReadException($"{root} holds more than {options.MaxFiles:N0} files; nothing was read. Read a smaller folder, or raise the file limit if it really is that large.");
                if (TableFormats.FromPath(name) is not { } format)
                {
                    if (skipped.Count < 1000) skipped.Add($"{relative}: skipped, not a {TableFormats.Listed} file");
                    continue;
                }
                var file = new TableFile(relative, fullPath, format, new FileInfo(fullPath).Length);
                CheckSize(file, options);
                files.Add(file);
            }
        }
        if (files.Count == 0) throw new TableReadException($"{root} holds no {TableFormats.Listed} files.");
        files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        int family = TableFormats.Family(files[0].Format);
        if (files.FirstOrDefault(f => TableFormats.Family(f.Format) != family) is { } other)
            throw new TableReadException($"{root} mixes {TableFormats.Describe(files[0].Format)} and {TableFormats.Describe(other.Format)} files ({files[0].Name}, {other.Name}); a table folder holds one format.");
        return new TableSource(root, files, skipped);
    }

    private static void CheckSize(TableFile file, TableReadOptions options)
    {
        if (file.Size > options.MaxFileBytes)
            throw new TableReadException($"{file.Name} is {file.Size:N0} bytes, over the limit of {options.MaxFileBytes:N0}; split it into smaller files in a folder, or raise the file size limit.");
    }

    internal static bool Inside(string root, string path)
    {
        var r = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(r, StringComparison.Ordinal);
    }
}
