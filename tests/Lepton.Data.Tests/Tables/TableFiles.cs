using System.Globalization;
using System.Text;

namespace Lepton.Data.Tests.Tables;

/// <summary>A temporary folder for the table tests' files, deleted on dispose.</summary>
internal sealed class TableFiles : IDisposable
{
    public TableFiles() => Directory.CreateDirectory(Root);

    public string Root { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lepton-tables-" + Guid.NewGuid().ToString("N"));

    public string Path(string name) => System.IO.Path.Combine(Root, name);

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no BOM) and returns the path.</summary>
    public string Write(string name, string text)
    {
        var p = Path(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text, new UTF8Encoding(false));
        return p;
    }

    /// <summary>Writes a CSV of a header and rows (fields joined by commas as given).</summary>
    public string Csv(string name, string header, IEnumerable<string> rows) =>
        Write(name, header + "\n" + string.Join("\n", rows) + "\n");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
