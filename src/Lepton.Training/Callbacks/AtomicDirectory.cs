namespace Lepton.Training.Callbacks;

/// <summary>
/// Replaces a whole folder so readers see the old or the new contents, never a mix: write a sibling
/// temp folder, flush it, rename the old folder aside, rename the new one in, delete the old one.
/// </summary>
public static class AtomicDirectory
{
    private const string TempMarker = ".tmp-";
    private const string OldMarker = ".old-";

    /// <summary>Writes <paramref name="directory"/> through <paramref name="write"/>, which fills the temp folder it is given.</summary>
    public static void Write(string directory, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var parent = Path.GetDirectoryName(directory)
            ?? throw new ArgumentException($"AtomicDirectory: '{directory}' has no parent folder to write beside.", nameof(directory));
        System.IO.Directory.CreateDirectory(parent);
        string token = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        string tmp = directory + TempMarker + token;
        System.IO.Directory.CreateDirectory(tmp);
        try
        {
            write(tmp);
            FlushFiles(tmp);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }

        string? old = null;
        if (System.IO.Directory.Exists(directory))
        {
            old = directory + OldMarker + token;
            System.IO.Directory.Move(directory, old);
        }
        // Between these two renames only the ".old-" folder exists; Recover() puts it back after a crash.
        System.IO.Directory.Move(tmp, directory);
        if (old is not null) TryDelete(old);
    }

    /// <summary>
    /// Cleans up after an interrupted <see cref="Write"/>: removes unfinished temp folders and, when the
    /// checkpoint itself is missing, restores the previous one that was set aside.
    /// </summary>
    public static void Recover(string directory)
    {
        directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var parent = Path.GetDirectoryName(directory);
        if (parent is null || !System.IO.Directory.Exists(parent)) return;
        string name = Path.GetFileName(directory);
        foreach (var tmp in System.IO.Directory.EnumerateDirectories(parent, name + TempMarker + "*").ToList())
            TryDelete(tmp);
        var olds = System.IO.Directory.EnumerateDirectories(parent, name + OldMarker + "*")
            .OrderByDescending(System.IO.Directory.GetLastWriteTimeUtc).ToList();
        if (!System.IO.Directory.Exists(directory) && olds.Count > 0)
        {
            System.IO.Directory.Move(olds[0], directory);
            olds.RemoveAt(0);
        }
        foreach (var old in olds) TryDelete(old);
    }

    private static void FlushFiles(string folder)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            using var fs = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            fs.Flush(flushToDisk: true);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover folder is harmless; Recover() removes it next time.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
