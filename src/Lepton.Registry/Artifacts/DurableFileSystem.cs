using System.Runtime.InteropServices;

namespace Lepton.Registry.Artifacts;

/// <summary>
/// fsync of a directory, so a rename survives power loss. .NET has no API for it: on Linux and macOS the
/// directory is opened read-only through libc and fsynced; Windows commits renames with the file metadata.
/// </summary>
internal static partial class DurableFileSystem
{
    private const int ReadOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(directory, ReadOnly);
        if (fd < 0)
            throw new IOException($"Cannot open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}); the disk may be full or failing.");
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>Creates <paramref name="directory"/> when missing and makes its entry in the parent durable.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory)) return;
        Directory.CreateDirectory(directory);
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory));
        if (parent is not null) SyncDirectory(parent);
    }

    /// <summary>Atomically replaces <paramref name="target"/> with <paramref name="tempFile"/> and syncs the folder.</summary>
    public static void CommitRename(string tempFile, string target)
    {
        File.Move(tempFile, target, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(target)!);
    }
}
