using System.Text;

namespace Lepton.Data.Tests.Text;

/// <summary>A temporary folder a text test writes its files into; deleted on dispose.</summary>
internal sealed class TextFolder : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "lepton-text-" + Guid.NewGuid().ToString("N"));

    public TextFolder() => Directory.CreateDirectory(Root);

    public string Write(string relative, string text) => WriteBytes(relative, Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string relative, byte[] bytes)
    {
        var full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
