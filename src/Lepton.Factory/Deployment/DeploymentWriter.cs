using System.Text;

namespace Lepton.Factory.Deployment;

/// <summary>Writes generated files into an output folder; each file is written whole to a temporary name and then moved into place.</summary>
public static class DeploymentWriter
{
    /// <summary>Writes the files into <paramref name="folder"/> (created when missing) and returns their full paths.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<DeploymentFile> files)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(files);
        string root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        var written = new List<string>(files.Count);
        foreach (var file in files)
        {
            // Names are ours, not the user's, but a plain file name is checked anyway so no file can land outside the folder.
            if (file.Name.Length == 0 || file.Name != Path.GetFileName(file.Name) || file.Name is "." or "..")
                throw new ArgumentException($"Generated file name '{file.Name}' is not a plain file name.");
            written.Add(WriteFile(Path.Combine(root, file.Name), file.Text));
        }
        return written;
    }

    /// <summary>Writes one file at <paramref name="path"/> (its folder created when missing) and returns the full path.</summary>
    public static string WriteFile(string path, string text)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{full} is a folder; give a file name (e.g. {Path.Combine(full, "haproxy.cfg")}).");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temp, full, overwrite: true);
        return full;
    }
}
