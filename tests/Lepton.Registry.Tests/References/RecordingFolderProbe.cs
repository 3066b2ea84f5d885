using Lepton.Registry.References;

namespace Lepton.Registry.Tests.References;

/// <summary>A file system whose only question is recorded, so tests can prove what was (not) probed.</summary>
public sealed class RecordingFolderProbe(params string[] existingFolders) : IFolderProbe
{
    public List<string> Probed { get; } = [];

    public bool DirectoryExists(string path)
    {
        Probed.Add(path);
        return existingFolders.Contains(path);
    }
}
