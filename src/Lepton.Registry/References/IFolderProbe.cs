namespace Lepton.Registry.References;

/// <summary>The one file-system question reference parsing asks; injectable so tests can see exactly what was probed.</summary>
public interface IFolderProbe
{
    bool DirectoryExists(string path);
}

/// <summary>Asks the real file system.</summary>
public sealed class FileSystemFolderProbe : IFolderProbe
{
    public static readonly FileSystemFolderProbe Instance = new();

    public bool DirectoryExists(string path) => Directory.Exists(path);
}
